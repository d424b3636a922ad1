import { CommandStatus, commandStatusName, SmscServer, type BindDecision, type BindRequest, type ServerSession } from '@parchee/smpp';
import type { Logger } from '@parchee/observability';
import { silentLogger } from '@parchee/observability';
import type { OperatorSimConfig, SimConfig } from '../config/sim-config';
import type { MoRoute, MoSession } from '../traffic/mo-injector';
import type { SubmittedSm } from '../traffic/mt-recorder';

export type BindType = 'receiver' | 'transmitter' | 'transceiver';

export interface OperatorSmscOptions {
  config: OperatorSimConfig;
  host: string;
  smpp: SimConfig['smpp'];
  /** Called for every accepted submit_sm with the message_id it is answered with. */
  onSubmitSm(operator: string, sm: SubmittedSm, messageId: string): void;
  onBindRefused(operator: string): void;
  nextMessageId(): string;
  logger?: Logger;
}

/** How long shutdown waits for each ESME to answer our unbind before dropping the connection. */
const UNBIND_GRACE_MS = 2_000;

/**
 * One operator's SMSC: an SMPP listener with its own credentials. Receiving binds (receiver and
 * transceiver) take MOs in turn; every submit_sm is answered ESME_ROK with a fresh message_id.
 * Fault behaviour (throttling, slow or missing responses, disconnects) belongs here when it comes.
 */
export class OperatorSmsc implements MoRoute {
  readonly id: string;
  private readonly server: SmscServer;
  private readonly logger: Logger;
  private readonly receivers: ServerSession[] = [];
  private readonly bound = new Set<ServerSession>();
  private turn = 0;
  private listeningPort?: number;

  constructor(private readonly opts: OperatorSmscOptions) {
    this.id = opts.config.id;
    this.logger = (opts.logger ?? silentLogger).child({ operator: this.id });
    this.server = new SmscServer({
      host: opts.host,
      port: opts.config.port,
      authenticate: (bind) => this.authenticate(bind),
      sessionOptions: { ...opts.smpp, unbindTimeoutMs: UNBIND_GRACE_MS, name: `smsc-sim:${this.id}` },
      logger: this.logger,
      systemId: `sim-${this.id}`.slice(0, 15),
    });
    this.server.on('session', (session: ServerSession) => this.onSession(session));
  }

  /** The port actually listened on (the configured one, or the one picked for port 0). */
  get port(): number {
    if (this.listeningPort === undefined) throw new Error(`operator ${this.id} is not listening`);
    return this.listeningPort;
  }

  async start(): Promise<number> {
    const { port } = await this.server.listen();
    this.listeningPort = port;
    this.logger.info({ host: this.opts.host, port, systemId: this.opts.config.systemId }, 'operator SMSC listening');
    return port;
  }

  /** Receiving binds in turn, so MOs spread over every receiver the ESME holds. */
  nextReceiver(): MoSession | undefined {
    if (this.receivers.length === 0) return undefined;
    const session = this.receivers[this.turn % this.receivers.length];
    this.turn = (this.turn + 1) % this.receivers.length;
    return session;
  }

  bindCounts(): Record<BindType, number> {
    const counts: Record<BindType, number> = { receiver: 0, transmitter: 0, transceiver: 0 };
    for (const session of this.bound) counts[session.bindType]++;
    return counts;
  }

  /** Stops listening and unbinds every ESME, waiting at most UNBIND_GRACE_MS for each to answer. */
  async stop(): Promise<void> {
    await this.server.close();
  }

  private authenticate(bind: BindRequest): BindDecision {
    const { systemId, password } = this.opts.config;
    let status: number = CommandStatus.ESME_ROK;
    if (bind.systemId !== systemId) status = CommandStatus.ESME_RINVSYSID;
    else if (bind.password !== password) status = CommandStatus.ESME_RINVPASWD;
    if (status === CommandStatus.ESME_ROK) return { ok: true };
    this.opts.onBindRefused(this.id);
    this.logger.warn(
      { systemId: bind.systemId, bindType: bind.bindType, remoteAddress: bind.remoteAddress, status: commandStatusName(status) },
      'bind refused: wrong credentials',
    );
    return { ok: false, status };
  }

  private onSession(session: ServerSession): void {
    this.bound.add(session);
    if (session.bindType === 'receiver' || session.bindType === 'transceiver') this.receivers.push(session);
    session.setSubmitSmHandler(async (pdu) => {
      const messageId = this.opts.nextMessageId();
      this.opts.onSubmitSm(this.id, pdu, messageId);
      return { status: CommandStatus.ESME_ROK, messageId };
    });
    session.once('close', () => {
      this.bound.delete(session);
      const i = this.receivers.indexOf(session);
      if (i >= 0) this.receivers.splice(i, 1);
      this.logger.info({ bindType: session.bindType, remoteAddress: session.remoteAddress }, 'ESME session closed');
    });
    this.logger.info(
      { bindType: session.bindType, systemId: session.systemId, remoteAddress: session.remoteAddress },
      'ESME bound',
    );
  }
}

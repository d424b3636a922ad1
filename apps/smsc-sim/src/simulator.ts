import type { Logger } from '@parchee/observability';
import { silentLogger } from '@parchee/observability';
import { maskDigitsInText, maskMsisdn } from '@parchee/privacy';
import type { SimConfig } from './config/sim-config';
import { ControlApi, type FaultControl, type SimulatorControl } from './control/control-api';
import type { FaultCounters } from './faults/fault-counters';
import { runLoad, type LoadReport, type LoadRequest, type LoadTraffic } from './load/load-runner';
import { SimError } from './errors/sim-error';
import { MessageIds } from './operators/message-ids';
import { OperatorSmsc, type BindType } from './operators/operator-smsc';
import { MoExchange, type MoExchangeOutcome, type MoExchangeRequest } from './traffic/mo-exchange';
import { MoInjector } from './traffic/mo-injector';
import { MtRecorder, type RecordedMt } from './traffic/mt-recorder';
import { TrafficStats, type OperatorTrafficCounters } from './traffic/traffic-stats';

export interface OperatorStats extends OperatorTrafficCounters, FaultCounters {
  port: number;
  binds: Record<BindType, number>;
}

export interface SimStats {
  operators: Record<string, OperatorStats>;
  /** Concatenated MTs waiting for more parts. */
  pendingConcatenations: number;
  /** POST /mo and load MOs waiting for their reply. */
  awaitingReplies: number;
  /** Gauge: MOs of every operator waiting for a receiving bind now (fault plan moRedelivery). */
  mosWaitingForBind: number;
}

/** A running simulator: every operator listener plus the control API. */
export interface Simulator extends SimulatorControl {
  readonly config: SimConfig;
  /** Where the control API listens. */
  readonly http: { host: string; port: number };
  /** The SMPP port of each operator, as listened on. */
  readonly smppPorts: Readonly<Record<string, number>>;
  readonly operators: ReadonlyMap<string, OperatorSmsc>;
  stats(): SimStats;
  /** Unbinds every ESME, closes listeners and the control API. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartSimulatorOptions {
  logger?: Logger;
}

/** Starts every operator listener and the control API; on any failure, stops what had started. */
export async function startSimulator(config: SimConfig, options: StartSimulatorOptions = {}): Promise<Simulator> {
  const logger = options.logger ?? silentLogger;
  const stats = new TrafficStats(config.operators.map((o) => o.id));
  const recorder = new MtRecorder({ historyLimit: config.mtHistoryLimit, concatTimeoutMs: config.concatTimeoutMs, stats, logger });
  const messageIds = new MessageIds();
  const operators = new Map<string, OperatorSmsc>();
  for (const op of config.operators) {
    operators.set(
      op.id,
      new OperatorSmsc({
        config: op,
        host: config.smppHost,
        smpp: config.smpp,
        nextMessageId: () => messageIds.next(),
        onSubmitSm: (id, sm, messageId) => {
          const mt = recorder.record(id, sm, messageId);
          if (mt) {
            logger.debug({ operator: id, to: maskMsisdn(mt.destinationAddr), parts: mt.parts, preview: maskDigitsInText(mt.text.slice(0, 40)) }, 'MT received');
          }
        },
        logger,
      }),
    );
  }
  const injector = new MoInjector({ routes: operators, shortCode: config.shortCode, stats, logger });
  const exchange = new MoExchange(injector, recorder);
  const loadTraffic: LoadTraffic = { exchange: (r) => exchange.run(r), inject: (r) => exchange.inject(r) };
  const operatorIds = config.operators.map((o) => o.id);

  const smppPorts: Record<string, number> = {};
  const operator = (id: string): OperatorSmsc => {
    const smsc = operators.get(id);
    if (!smsc) throw new SimError('UNKNOWN_OPERATOR', `no simulated operator "${id}"`, false);
    return smsc;
  };
  const faults: FaultControl = {
    get: (id) => operator(id).faults,
    set: (id, plan) => operator(id).setFaults(plan),
    reset: (id) => operator(id).resetFaults(),
    disconnect: (id) => operator(id).disconnectAll('dropped over the control API'),
    injectGarbage: (id, kinds) => operator(id).injectGarbage(kinds),
  };
  const api = new ControlApi(
    {
      operatorIds,
      faults,
      defaultMoTimeoutMs: config.moTimeoutMs,
      exchange: (req) => exchange.run(req),
      recentMts: (q) => recorder.recent(q),
      stats: () => snapshot(),
      runLoad: (req) => runLoad(req, loadTraffic),
    },
    logger,
  );

  const snapshot = (): SimStats => {
    const traffic = stats.snapshot();
    const out: Record<string, OperatorStats> = {};
    let mosWaitingForBind = 0;
    for (const [id, smsc] of operators) {
      out[id] = { port: smppPorts[id], binds: smsc.bindCounts(), ...traffic[id], ...smsc.faultCounters() };
      mosWaitingForBind += out[id].mosWaitingForBind;
    }
    return { operators: out, pendingConcatenations: recorder.pendingConcatenations, awaitingReplies: recorder.waiting, mosWaitingForBind };
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // First, so MOs queued for a bind or a retry end now (SHUTTING_DOWN) rather than hold stop up.
      injector.close();
      await api.close();
      recorder.close();
      await Promise.all(
        [...operators.values()].map((o) => o.stop().catch((err: Error) => logger.warn({ operator: o.id, err: err.message }, 'operator stop failed'))),
      );
      logger.info({}, 'simulator stopped');
    })();
    return stopping;
  };

  let http: { host: string; port: number };
  try {
    for (const [id, smsc] of operators) smppPorts[id] = await smsc.start();
    http = await api.listen(config.http.host, config.http.port);
  } catch (err) {
    await stop();
    throw err;
  }
  logger.info({ http, smppPorts, shortCode: config.shortCode, source: config.source }, 'SMSC simulator ready');

  return {
    config,
    http,
    smppPorts,
    operators,
    operatorIds,
    faults,
    defaultMoTimeoutMs: config.moTimeoutMs,
    exchange: (req: MoExchangeRequest): Promise<MoExchangeOutcome> => exchange.run(req),
    recentMts: (q): RecordedMt[] => recorder.recent(q),
    runLoad: (req: LoadRequest): Promise<LoadReport> => runLoad(req, loadTraffic),
    stats: snapshot,
    stop,
  };
}

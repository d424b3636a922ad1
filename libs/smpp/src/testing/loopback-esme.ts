import { once } from 'node:events';
import { EsmeClient, type EsmeClientOptions } from '../client/esme-client';
import { SmppCommandError } from '../errors/smpp-command-error';

/**
 * An operator's ESME for tests against one of our SMPP servers on loopback, with the credentials of
 * `testServerLink()` (@parchee/config/testing): no enquire_link, short timeouts, and no reconnect
 * within a test. Not started; stop it when done.
 */
export function loopbackEsme(port: number, overrides: Partial<EsmeClientOptions> = {}): EsmeClient {
  return new EsmeClient({
    host: '127.0.0.1',
    port,
    systemId: 'acme-esme',
    password: 'acme-pw',
    bindType: 'transceiver',
    enquireLinkIntervalMs: 0,
    responseTimeoutMs: 2000,
    reconnect: { initialDelayMs: 60_000 },
    ...overrides,
  });
}

/** Starts the client and resolves with the status its bind was refused with; rejects on any other error. */
export async function bindRefusalStatus(client: EsmeClient): Promise<number> {
  const failed = once(client, 'error') as Promise<[Error]>;
  client.start();
  const [error] = await failed;
  if (!(error instanceof SmppCommandError)) throw error;
  return error.commandStatus;
}

/** Starts the client and resolves once it is bound. */
export async function boundEsme(client: EsmeClient): Promise<EsmeClient> {
  const bound = once(client, 'bound');
  client.start();
  await bound;
  return client;
}

import type { ClientOperatorLink } from '../operators/operator-links';
import { DEFAULT_CLIENT_SUBMIT } from '../operators/submit-settings';

/**
 * A client-mode link as the loader would produce it from an entry without optional keys, for
 * tests that bind to an SMSC: operator "jazz" binds to 127.0.0.1 as `parchee-jazz` / `jazz-pw`.
 * Give the port the test's SMSC listens on.
 */
export function testClientLink(overrides: Partial<ClientOperatorLink> & Pick<ClientOperatorLink, 'port'>): ClientOperatorLink {
  return {
    mode: 'client',
    id: 'jazz',
    host: '127.0.0.1',
    systemId: 'parchee-jazz',
    password: 'jazz-pw',
    systemType: '',
    window: 10,
    tps: 100,
    responseTimeoutMs: 2000,
    enquireLinkIntervalMs: 30_000,
    segmentation: 'udh8',
    shortCodes: ['8300'],
    receiverBinds: 1,
    transmitterBinds: 1,
    bindMode: 'split',
    tls: false,
    authFailureDelayMs: 300_000,
    backoffResetAfterMs: 30_000,
    submit: { ...DEFAULT_CLIENT_SUBMIT },
    ...overrides,
  };
}

import type { ServerOperatorLink } from '../operators/operator-links';
import { DEFAULT_SERVER_SUBMIT } from '../operators/submit-settings';

/**
 * A server-mode link as the loader would produce it, for tests that run our SMPP servers: operator
 * "acme" binds as `acme-esme` / `acme-pw` from loopback, and both ports are 0 so the OS picks free
 * ones (read them from the server's start()).
 */
export function testServerLink(overrides: Partial<ServerOperatorLink> = {}): ServerOperatorLink {
  return {
    mode: 'server',
    id: 'acme',
    systemId: 'acme-esme',
    password: 'acme-pw',
    systemType: '',
    window: 10,
    tps: 100,
    responseTimeoutMs: 2000,
    enquireLinkIntervalMs: 30_000,
    segmentation: 'udh8',
    shortCodes: ['8300'],
    listen: { ingressPort: 0, egressPort: 0, host: '127.0.0.1' },
    // An IPv4-mapped address (::ffff:127.0.0.1) counts as IPv4, so this admits every loopback peer.
    allowedIps: ['127.0.0.0/8', '::1'],
    submit: { ...DEFAULT_SERVER_SUBMIT },
    ...overrides,
  };
}

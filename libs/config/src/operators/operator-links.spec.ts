import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOperatorLinks } from './operator-links';

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'parchee-ops-')), 'operators.yaml');
  writeFileSync(path, content);
  return path;
}

const valid = `
shortCode: "8300"
operators:
  - id: jazz
    host: 127.0.0.1
    port: 2775
    systemId: parchee-jazz
    passwordEnv: JAZZ_PW
    tps: 200
`;

describe('loadOperatorLinks', () => {
  it('resolves the bind password from the named environment variable and applies defaults', () => {
    const links = loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(valid), JAZZ_PW: 'secret1' });
    expect(links.shortCode).toBe('8300');
    expect(links.operators[0]).toMatchObject({ id: 'jazz', password: 'secret1', tps: 200, window: 10, receiverBinds: 1, segmentation: 'udh8' });
  });

  it('refuses to start when the password variable is missing, naming it', () => {
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(valid) })).toThrow(/JAZZ_PW/);
  });

  it('rejects a password written into the file itself', () => {
    const path = file(valid.replace('passwordEnv: JAZZ_PW', 'password: secret1'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path })).toThrow(/password/);
  });

  it('names the bad key of a malformed link', () => {
    const path = file(valid.replace('port: 2775', 'port: 99999'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, JAZZ_PW: 'x' })).toThrow(/operators\.0\.port/);
  });

  it('explains a missing file', () => {
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: '/nonexistent/ops.yaml' })).toThrow(/cannot read \/nonexistent/);
  });
});

const serverLink = `
shortCode: "8300"
operators:
  - id: acme
    mode: server
    systemId: acme-smsc
    passwordEnv: ACME_PW
    listen: { ingressPort: 3775, egressPort: 3776, host: 0.0.0.0 }
    allowedIps: [203.0.113.7, 198.51.100.0/24, "2001:db8::/32"]
`;

describe('loadOperatorLinks link modes', () => {
  it('reads a link without a mode as a client link without TLS, so existing files keep working', () => {
    const links = loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(valid), JAZZ_PW: 'secret1' });
    expect(links.operators[0]).toMatchObject({ mode: 'client', tls: false, host: '127.0.0.1', port: 2775 });
  });

  it('reads the CA file of a TLS client link', () => {
    const ca = file('-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n');
    const path = file(valid.replace('tps: 200', `tps: 200\n    tls: true\n    tlsCaFile: ${ca}\n    tlsServername: smsc.jazz.example`));
    const [link] = loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, JAZZ_PW: 'x' }).operators;
    expect(link).toMatchObject({ mode: 'client', tls: true, tlsServername: 'smsc.jazz.example' });
    expect(link.mode === 'client' && link.tlsCa).toContain('BEGIN CERTIFICATE');
  });

  it('gives a client link the reconnect defaults unless set', () => {
    const [link] = loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(valid), JAZZ_PW: 'x' }).operators;
    expect(link).toMatchObject({ mode: 'client', authFailureDelayMs: 300_000, backoffResetAfterMs: 30_000 });
  });

  it('reads authFailureDelayMs and backoffResetAfterMs of a client link', () => {
    const path = file(valid.replace('tps: 200', 'tps: 200\n    authFailureDelayMs: 600000\n    backoffResetAfterMs: 60000'));
    const [link] = loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, JAZZ_PW: 'x' }).operators;
    expect(link).toMatchObject({ authFailureDelayMs: 600_000, backoffResetAfterMs: 60_000 });
  });

  it('refuses an auth-failure delay under a second', () => {
    const fast = file(valid.replace('tps: 200', 'tps: 200\n    authFailureDelayMs: 100'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: fast, JAZZ_PW: 'x' })).toThrow(/operators\.0\.authFailureDelayMs/);
  });

  it('refuses authFailureDelayMs on a server link, whose operator binds to us', () => {
    const path = file(serverLink.replace('mode: server', 'mode: server\n    authFailureDelayMs: 60000'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, ACME_PW: 'x' })).toThrow(/authFailureDelayMs/);
  });

  it('binds a client link split (receivers and transmitters) unless it says transceiver, and refuses other modes', () => {
    expect(loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(valid), JAZZ_PW: 'x' }).operators[0]).toMatchObject({ bindMode: 'split' });
    const trx = file(valid.replace('tps: 200', 'tps: 200\n    bindMode: transceiver'));
    expect(loadOperatorLinks({ PARCHEE_OPERATORS_FILE: trx, JAZZ_PW: 'x' }).operators[0]).toMatchObject({ bindMode: 'transceiver' });
    const bad = file(valid.replace('tps: 200', 'tps: 200\n    bindMode: receiver'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: bad, JAZZ_PW: 'x' })).toThrow(/operators\.0\.bindMode/);
    const server = file(serverLink.replace('mode: server', 'mode: server\n    bindMode: transceiver'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: server, ACME_PW: 'x' })).toThrow(/bindMode/);
  });

  it('reads a client link’s bindTps, which is unset unless given', () => {
    expect(loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(valid), JAZZ_PW: 'x' }).operators[0]).not.toHaveProperty('bindTps');
    const path = file(valid.replace('tps: 200', 'tps: 200\n    transmitterBinds: 2\n    bindTps: 100'));
    expect(loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, JAZZ_PW: 'x' }).operators[0]).toMatchObject({ bindTps: 100, transmitterBinds: 2 });
  });

  it('refuses a bindTps the link’s transmitter binds cannot reach its tps with', () => {
    const path = file(valid.replace('tps: 200', 'tps: 200\n    transmitterBinds: 2\n    bindTps: 50'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, JAZZ_PW: 'x' })).toThrow(/operators\.0\.bindTps: bindTps × transmitterBinds is below tps/);
  });

  it('refuses a fractional bindTps, and bindTps on a server link, whose operator binds to us', () => {
    const fractional = file(valid.replace('tps: 200', 'tps: 200\n    bindTps: 250.5'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: fractional, JAZZ_PW: 'x' })).toThrow(/operators\.0\.bindTps/);
    const server = file(serverLink.replace('mode: server', 'mode: server\n    bindTps: 10'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: server, ACME_PW: 'x' })).toThrow(/bindTps/);
  });

  it('refuses tlsCaFile on a client link without tls: true', () => {
    const path = file(valid.replace('tps: 200', 'tps: 200\n    tlsCaFile: /etc/ca.pem'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, JAZZ_PW: 'x' })).toThrow(/operators\.0\.tls: tlsCaFile and tlsServername need tls: true/);
  });

  it('reads a server link with its listen ports, allowlist and the password the operator must present', () => {
    const links = loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(serverLink), ACME_PW: 'acme1' });
    expect(links.operators[0]).toMatchObject({
      mode: 'server',
      systemId: 'acme-smsc',
      password: 'acme1',
      listen: { ingressPort: 3775, egressPort: 3776, host: '0.0.0.0' },
      allowedIps: ['203.0.113.7', '198.51.100.0/24', '2001:db8::/32'],
    });
    expect(links.operators[0]).not.toHaveProperty('host');
  });

  it('names each allowlist entry that is not an address or CIDR range', () => {
    const path = file(serverLink.replace('203.0.113.7', '203.0.113.300').replace('198.51.100.0/24', '198.51.100.0/33'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, ACME_PW: 'x' })).toThrow(
      /operators\.0\.allowedIps: "203\.0\.113\.300" is not[\s\S]*prefix length must be 0-32/,
    );
  });

  it('refuses a server link without an allowlist', () => {
    const path = file(serverLink.replace(/\n\s+allowedIps:.*\n/, '\n'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, ACME_PW: 'x' })).toThrow(/operators\.0\.allowedIps/);
  });

  it('refuses client-only fields on a server link and an unknown mode', () => {
    expect(() =>
      loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(serverLink.replace('mode: server', 'mode: server\n    host: 10.0.0.1')), ACME_PW: 'x' }),
    ).toThrow(/host/);
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(serverLink.replace('mode: server', 'mode: both')), ACME_PW: 'x' })).toThrow(
      /mode must be client or server/,
    );
  });

  it('refuses a TLS certificate without its key', () => {
    const path = file(serverLink.replace('mode: server', 'mode: server\n    tlsCertFile: /etc/cert.pem'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, ACME_PW: 'x' })).toThrow(/operators\.0\.tlsKeyFile: give both tlsCertFile and tlsKeyFile/);
  });

  it('names an unreadable TLS key file', () => {
    const path = file(serverLink.replace('mode: server', 'mode: server\n    tlsCertFile: /nonexistent/cert.pem\n    tlsKeyFile: /nonexistent/key.pem'));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, ACME_PW: 'x' })).toThrow(/operators\.acme\.tlsKeyFile: cannot read \/nonexistent\/key\.pem/);
  });

  it('refuses the same port for ingress and egress, and two server links on one port', () => {
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(serverLink.replace('egressPort: 3776', 'egressPort: 3775')), ACME_PW: 'x' })).toThrow(
      /listen\.egressPort: ingressPort and egressPort must differ/,
    );
    const twice = `${serverLink}  - id: other\n    mode: server\n    systemId: other\n    passwordEnv: ACME_PW\n    listen: { ingressPort: 3776, egressPort: 3777 }\n    allowedIps: [10.0.0.1]\n`;
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(twice), ACME_PW: 'x' })).toThrow(/same port/);
  });

  it('serves client and server links side by side', () => {
    const both = `${valid}  - id: acme\n    mode: server\n    systemId: acme\n    passwordFile: ${file('pw\n')}\n    listen: { ingressPort: 3775, egressPort: 3776 }\n    allowedIps: [10.0.0.0/8]\n`;
    const links = loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(both), JAZZ_PW: 'x' });
    expect(links.operators.map((o) => [o.id, o.mode, o.password])).toEqual([
      ['jazz', 'client', 'x'],
      ['acme', 'server', 'pw'],
    ]);
  });
});

describe('loadOperatorLinks short codes', () => {
  it('gives a link that lists no short codes the file-wide shortCode, so existing files keep working', () => {
    const links = loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(valid.replace('"8300"', '"9900"')), JAZZ_PW: 'x' });
    expect(links.operators[0].shortCodes).toEqual(['9900']);
  });

  it('keeps the short codes a link lists, in order, on client and server links', () => {
    const client = valid.replace('tps: 200', 'tps: 200\n    shortCodes: ["8300", "8311"]');
    expect(loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(client), JAZZ_PW: 'x' }).operators[0].shortCodes).toEqual(['8300', '8311']);
    const server = serverLink.replace('mode: server', 'mode: server\n    shortCodes: ["8311"]');
    expect(loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(server), ACME_PW: 'x' }).operators[0].shortCodes).toEqual(['8311']);
  });

  it.each([
    ['a code that is not three to eight digits', 'shortCodes: ["8300", "+928300"]', /operators\.0\.shortCodes\.1: three to eight digits/],
    ['a code given as a number', 'shortCodes: [8300]', /operators\.0\.shortCodes\.0/],
    ['an empty list', 'shortCodes: []', /operators\.0\.shortCodes: list at least one short code/],
    ['a code listed twice', 'shortCodes: ["8300", "8300"]', /operators\.0\.shortCodes: a short code is listed twice/],
  ])('refuses to start with %s, naming the key', (_name, setting, message) => {
    const path = file(valid.replace('tps: 200', `tps: 200\n    ${setting}`));
    expect(() => loadOperatorLinks({ PARCHEE_OPERATORS_FILE: path, JAZZ_PW: 'x' })).toThrow(message);
  });
});

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

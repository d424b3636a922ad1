import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATORS, ensureSecrets, suiteEnv } from './suite-launcher';

describe('the suite launcher', () => {
  it('generates local secrets once per state folder, private to its owner, and reuses them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parchee-suite-'));
    const first = ensureSecrets(dir);
    expect(first.pepper.length).toBeGreaterThanOrEqual(32);
    expect(Object.keys(first.passwords).sort()).toEqual([...OPERATORS].sort());
    for (const password of Object.values(first.passwords)) expect(password.length).toBeLessThanOrEqual(8);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(ensureSecrets(dir)).toEqual(first);
  });

  it('gives the services and the simulator the same operator passwords and the same pepper', () => {
    const secrets = ensureSecrets(mkdtempSync(join(tmpdir(), 'parchee-suite-')));
    const env = suiteEnv(secrets, 'postgres://127.0.0.1/x', { EXTRA: '1' });
    expect(env['PARCHEE_PEPPER']).toBe(secrets.pepper);
    for (const op of OPERATORS) expect(env[`PARCHEE_SMPP_PASSWORD_${op.toUpperCase()}`]).toBe(env[`SMSC_SIM_${op.toUpperCase()}_PASSWORD`]);
    expect(env['EXTRA']).toBe('1');
  });
});

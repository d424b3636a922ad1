import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@parchee/config';
import { configPathFrom, loadSimConfig, parseSimConfig, passwordEnvName } from './sim-config';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('simulator configuration', () => {
  it('serves the five operators on 2775-2779 with per-operator credentials by default', () => {
    const config = parseSimConfig(undefined, {});
    expect(config.operators.map((o) => [o.id, o.port, o.systemId])).toEqual([
      ['jazz', 2775, 'parchee-jazz'],
      ['zong', 2776, 'parchee-zong'],
      ['telenor', 2777, 'parchee-telenor'],
      ['ufone', 2778, 'parchee-ufone'],
      ['sco', 2779, 'parchee-sco'],
    ]);
    expect(new Set(config.operators.map((o) => o.password)).size).toBe(5);
    expect(config.operators.every((o) => o.password.length <= 8)).toBe(true);
    expect(config.shortCode).toBe('8300');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8300 });
    expect(config.moTimeoutMs).toBe(15_000);
    expect(config.mtHistoryLimit).toBe(10_000);
  });

  it('takes passwords and the HTTP port from the environment over the file', () => {
    const config = parseSimConfig(
      { operators: [{ id: 'jazz', password: 'fromfile' }, { id: 'zong' }], http: { port: 9000 } },
      { [passwordEnvName('jazz')]: 'fromenv', SMSC_SIM_HTTP_PORT: '0' },
    );
    expect(passwordEnvName('jazz')).toBe('SMSC_SIM_JAZZ_PASSWORD');
    expect(config.operators.find((o) => o.id === 'jazz')?.password).toBe('fromenv');
    expect(config.operators.find((o) => o.id === 'zong')?.password).toBe('zong-sim');
    expect(config.http.port).toBe(0);
  });

  it('takes the SMPP window from the environment over the file, 10 by default', () => {
    expect(parseSimConfig({}, {}).smpp.window).toBe(10);
    expect(parseSimConfig({ smpp: { window: 50 } }, {}).smpp.window).toBe(50);
    expect(parseSimConfig({ smpp: { window: 50 } }, { SMSC_SIM_WINDOW: '1' }).smpp.window).toBe(1);
    expect(problemsOf(() => parseSimConfig({}, { SMSC_SIM_WINDOW: '0' })).some((p) => p.startsWith('SMSC_SIM_WINDOW:'))).toBe(true);
  });

  it('lets a file list its own operators, filling built-in ports and credentials', () => {
    const config = parseSimConfig(
      {
        operators: [
          { id: 'telenor', port: 0 },
          { id: 'warid', port: 3000, systemId: 'w', password: 'pw' },
        ],
      },
      {},
    );
    expect(config.operators).toEqual([
      { id: 'telenor', port: 0, systemId: 'parchee-telenor', password: 'tele-sim' },
      { id: 'warid', port: 3000, systemId: 'w', password: 'pw' },
    ]);
  });

  it('names every bad key of the file and the environment in one error', () => {
    const problems = problemsOf(() =>
      parseSimConfig(
        { operators: [{ id: 'jazz', password: 'much-too-long' }], http: { port: 70000 } },
        { SMSC_SIM_HTTP_PORT: 'eighty', LOG_LEVEL: 'loud' },
        'sim.yaml',
      ),
    );
    expect(problems.some((p) => p.startsWith('sim.yaml: operators.0.password:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('sim.yaml: http.port:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('SMSC_SIM_HTTP_PORT:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('LOG_LEVEL:'))).toBe(true);
  });

  it('refuses operators without a port, duplicate ids and shared ports', () => {
    const problems = problemsOf(() =>
      parseSimConfig({ operators: [{ id: 'warid' }, { id: 'jazz' }, { id: 'zong', port: 2775 }, { id: 'jazz', port: 5000 }] }, {}, 'sim.yaml'),
    );
    expect(problems).toEqual([
      'sim.yaml: operators.0.port: required for operator "warid" (no built-in port)',
      'sim.yaml: operators: jazz and zong both use port 2775',
      'sim.yaml: operators: operator id "jazz" appears twice',
    ]);
  });

  it('refuses unknown keys so a typo does not pass silently', () => {
    expect(problemsOf(() => parseSimConfig({ shortcode: '8300' }, {}))[0]).toMatch(/shortcode|Unrecognized/i);
  });

  it('refuses an environment password longer than SMPP allows', () => {
    expect(problemsOf(() => parseSimConfig(undefined, { SMSC_SIM_SCO_PASSWORD: '123456789' }))).toEqual([
      'SMSC_SIM_SCO_PASSWORD: SMPP 3.4 passwords are at most 8 characters',
    ]);
  });

  it('finds the file from --config before SMSC_SIM_CONFIG', () => {
    expect(configPathFrom(['--config', 'a.yaml'], { SMSC_SIM_CONFIG: 'b.yaml' })).toBe('a.yaml');
    expect(configPathFrom(['--config=c.json'], {})).toBe('c.json');
    expect(configPathFrom([], { SMSC_SIM_CONFIG: 'b.yaml' })).toBe('b.yaml');
    expect(configPathFrom([], {})).toBeUndefined();
    expect(() => configPathFrom(['--config'], {})).toThrow(ConfigError);
  });

  describe('from a file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'smsc-sim-config-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads YAML', () => {
      const path = join(dir, 'sim.yaml');
      writeFileSync(path, 'shortCode: "9900"\noperators:\n  - id: ufone\n    port: 4000\n');
      const config = loadSimConfig(['--config', path], {});
      expect(config.shortCode).toBe('9900');
      expect(config.operators).toEqual([{ id: 'ufone', port: 4000, systemId: 'parchee-ufone', password: 'ufon-sim' }]);
      expect(config.source).toBe(path);
    });

    it('reads JSON', () => {
      const path = join(dir, 'sim.json');
      writeFileSync(path, JSON.stringify({ moTimeoutMs: 500, operators: [{ id: 'sco' }] }));
      const config = loadSimConfig([], { SMSC_SIM_CONFIG: path });
      expect(config.moTimeoutMs).toBe(500);
      expect(config.operators.map((o) => o.port)).toEqual([2779]);
    });

    it('reports a missing file as a configuration error naming it', () => {
      const path = join(dir, 'missing.yaml');
      expect(problemsOf(() => loadSimConfig(['--config', path], {}))[0]).toContain(path);
    });
  });
});

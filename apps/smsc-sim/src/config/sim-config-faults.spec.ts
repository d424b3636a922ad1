import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@parchee/config';
import { loadSimConfig, parseSimConfig } from './sim-config';

describe('simulator configuration: fault plans', () => {
  it('has no faults by default', () => {
    expect(parseSimConfig(undefined, {}).operators.every((o) => o.faults === undefined)).toBe(true);
  });

  it('reads a per-operator fault plan from a YAML file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-faults-'));
    try {
      const path = join(dir, 'sim.yaml');
      writeFileSync(
        path,
        [
          'operators:',
          '  - id: jazz',
          '    faults:',
          '      tpsCap: 30',
          '      submitErrors: [{ status: ESME_RTHROTTLED, every: 10 }, { status: 0x14, fraction: 0.01 }]',
          '      deliveryReceipts: { idForm: decimal, delay: late }',
          '  - id: zong',
        ].join('\n'),
      );
      const config = loadSimConfig(['--config', path], {});
      expect(config.operators[0].faults).toEqual({
        tpsCap: 30,
        submitErrors: [
          { status: 'ESME_RTHROTTLED', every: 10 },
          { status: 0x14, fraction: 0.01 },
        ],
        deliveryReceipts: { idForm: 'decimal', delay: 'late' },
      });
      expect(config.operators[1].faults).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the boot naming the bad fault key', () => {
    let problems: string[] = [];
    try {
      parseSimConfig({ operators: [{ id: 'jazz', faults: { submitNoResponse: { fraction: 2 } } }] }, {}, 'sim.yaml');
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems = err.problems;
    }
    expect(problems).toEqual([expect.stringContaining('sim.yaml: operators.0.faults.submitNoResponse.fraction')]);
  });
});

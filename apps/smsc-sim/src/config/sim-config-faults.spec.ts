import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@parchee/config';
import { faultPlanSchema, RECEIPT_FORMS } from '../faults/fault-plan';
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

  function problemsOf(faults: unknown): string[] {
    try {
      parseSimConfig({ operators: [{ id: 'jazz', faults }] }, {}, 'sim.yaml');
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.problems;
    }
    return [];
  }

  it('takes every receipt form and refuses any other', () => {
    for (const form of RECEIPT_FORMS) {
      expect(faultPlanSchema.parse({ deliveryReceipts: { form } })).toEqual({ deliveryReceipts: { form } });
    }
    expect(RECEIPT_FORMS).toEqual(['standard', 'intermediate', 'sme-ack', 'esm0-text', 'esm0-tlv']);
    expect(problemsOf({ deliveryReceipts: { form: 'esm0' } })).toEqual([expect.stringContaining('sim.yaml: operators.0.faults.deliveryReceipts.form')]);
  });

  it('reads moRedelivery with both keys optional', () => {
    const config = parseSimConfig(
      {
        operators: [
          { id: 'jazz', faults: { moRedelivery: { maxWaitMs: 60_000, retryDelayMs: 0 } } },
          { id: 'zong', faults: { moRedelivery: {} } },
        ],
      },
      {},
    );
    expect(config.operators[0].faults).toEqual({ moRedelivery: { maxWaitMs: 60_000, retryDelayMs: 0 } });
    expect(config.operators[1].faults).toEqual({ moRedelivery: {} });
  });

  it.each([
    [{ moRedelivery: { maxWaitMs: 0 } }, 'moRedelivery.maxWaitMs'],
    [{ moRedelivery: { maxWaitMs: 600_001 } }, 'moRedelivery.maxWaitMs'],
    [{ moRedelivery: { maxWaitMs: 1.5 } }, 'moRedelivery.maxWaitMs'],
    [{ moRedelivery: { retryDelayMs: -1 } }, 'moRedelivery.retryDelayMs'],
    [{ moRedelivery: { retryDelayMs: 60_001 } }, 'moRedelivery.retryDelayMs'],
    [{ moRedelivery: { retries: 3 } }, 'moRedelivery'],
  ])('refuses the moRedelivery %j naming %s', (faults, key) => {
    expect(problemsOf(faults)).toEqual([expect.stringContaining(`sim.yaml: operators.0.faults.${key}`)]);
  });

  it('accepts the bounds of moRedelivery', () => {
    expect(problemsOf({ moRedelivery: { maxWaitMs: 1, retryDelayMs: 60_000 } })).toEqual([]);
    expect(problemsOf({ moRedelivery: { maxWaitMs: 600_000, retryDelayMs: 0 } })).toEqual([]);
  });

  it('reads a quirks block, the strict per-second window and intermediate receipts from a YAML file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-quirks-'));
    try {
      const path = join(dir, 'sim.yaml');
      writeFileSync(
        path,
        [
          'operators:',
          '  - id: jazz',
          '    faults:',
          '      tpsWindow: { cap: 100, mode: calendar }',
          '      deliveryReceipts: { intermediates: [ACKED, BUFFRED], outcomes: [{ stat: SKIPPED, every: 5 }] }',
          '      quirks:',
          '        submitResponses: [{ form: no-body, every: 3 }, { form: id-without-nul }]',
          '        moSourceNational: { every: 2 }',
          '        moDestinations: [{ form: plus-international, every: 3 }, { form: national }]',
          '        moTrailingOctets: { count: 3, value: 0x20 }',
          '        moUssd: [{ marker: ussd-service-op, fraction: 0.1 }]',
        ].join('\n'),
      );
      expect(loadSimConfig(['--config', path], {}).operators[0].faults).toEqual({
        tpsWindow: { cap: 100, mode: 'calendar' },
        deliveryReceipts: { intermediates: ['ACKED', 'BUFFRED'], outcomes: [{ stat: 'SKIPPED', every: 5 }] },
        quirks: {
          submitResponses: [{ form: 'no-body', every: 3 }, { form: 'id-without-nul' }],
          moSourceNational: { every: 2 },
          moDestinations: [{ form: 'plus-international', every: 3 }, { form: 'national' }],
          moTrailingOctets: { count: 3, value: 0x20 },
          moUssd: [{ marker: 'ussd-service-op', fraction: 0.1 }],
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ tpsWindow: {} }, 'tpsWindow.cap'],
    [{ tpsWindow: { cap: 0 } }, 'tpsWindow.cap'],
    [{ tpsWindow: { cap: 10, mode: 'minute' } }, 'tpsWindow.mode'],
    [{ deliveryReceipts: { intermediates: ['DELIVRD'] } }, 'deliveryReceipts.intermediates.0'],
    [{ quirks: { submitResponses: [{ form: 'no-nul' }] } }, 'quirks.submitResponses.0.form'],
    [{ quirks: { submitResponses: [{ form: 'no-body', every: 2, fraction: 0.5 }] } }, 'quirks.submitResponses.0'],
    [{ quirks: { moDestinations: [{ form: 'e164' }] } }, 'quirks.moDestinations.0.form'],
    [{ quirks: { moTrailingOctets: { count: 4 } } }, 'quirks.moTrailingOctets.count'],
    [{ quirks: { moTrailingOctets: { value: 256 } } }, 'quirks.moTrailingOctets.value'],
    [{ quirks: { moUssd: [{ marker: 'dcs' }] } }, 'quirks.moUssd.0.marker'],
    [{ quirks: { moSourceNational: { fraction: 1.5 } } }, 'quirks.moSourceNational.fraction'],
    [{ quirks: { ussd: true } }, 'quirks'],
  ])('refuses the quirk %j naming %s', (faults, key) => {
    expect(problemsOf(faults)).toEqual([expect.stringContaining(`sim.yaml: operators.0.faults.${key}`)]);
  });

  it('reads the bind faults, the per-bind window and MO parts across binds from a YAML file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-binds-'));
    try {
      const path = join(dir, 'sim.yaml');
      writeFileSync(
        path,
        [
          'operators:',
          '  - id: jazz',
          '    faults:',
          '      transceiverOnly: { status: ESME_RINVBNDSTS }',
          '      bindTpsWindow: { cap: 50 }',
          '      maxBinds: { transmitter: 1, status: 0x05 }',
          '      quirks: { moPartsAcrossBinds: { form: sar, every: 2 } }',
          '  - id: zong',
          '    faults: { bindRefusal: {} }',
        ].join('\n'),
      );
      const config = loadSimConfig(['--config', path], {});
      expect(config.operators[0].faults).toEqual({
        transceiverOnly: { status: 'ESME_RINVBNDSTS' },
        bindTpsWindow: { cap: 50 },
        maxBinds: { transmitter: 1, status: 5 },
        quirks: { moPartsAcrossBinds: { form: 'sar', every: 2 } },
      });
      expect(config.operators[1].faults).toEqual({ bindRefusal: {} });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ bindRefusal: { status: 'ESME_NOPE' } }, 'bindRefusal.status'],
    [{ bindRefusal: { every: 2 } }, 'bindRefusal'],
    [{ transceiverOnly: { status: 0 } }, 'transceiverOnly.status'],
    [{ maxBinds: { receiver: -1 } }, 'maxBinds.receiver'],
    [{ maxBinds: { outbind: 1 } }, 'maxBinds'],
    [{ bindTpsWindow: { cap: 0 } }, 'bindTpsWindow.cap'],
    [{ bindTpsWindow: { cap: 5, mode: 'hourly' } }, 'bindTpsWindow.mode'],
    [{ quirks: { moPartsAcrossBinds: { form: 'payload' } } }, 'quirks.moPartsAcrossBinds.form'],
    [{ quirks: { moPartsAcrossBinds: { every: 2, fraction: 0.5 } } }, 'quirks.moPartsAcrossBinds'],
  ])('refuses the bind fault %j naming %s', (faults, key) => {
    expect(problemsOf(faults)).toEqual([expect.stringContaining(`sim.yaml: operators.0.faults.${key}`)]);
  });
});

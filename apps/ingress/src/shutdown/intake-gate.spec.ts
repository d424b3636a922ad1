import { CommandStatus } from '@parchee/smpp';
import { IntakeGate } from './intake-gate';

describe('IntakeGate', () => {
  it('passes MOs to the handler while open', async () => {
    const gate = new IntakeGate();
    const seen: string[] = [];
    const guarded = gate.guard({
      accept: async (operator: string, pdu: string) => {
        seen.push(`${operator}:${pdu}`);
        return CommandStatus.ESME_ROK;
      },
    });
    await expect(guarded.accept('jazz', 'mo-1')).resolves.toBe(CommandStatus.ESME_ROK);
    expect(seen).toEqual(['jazz:mo-1']);
  });

  it('answers ESME_RX_T_APPN without storing once closed, so the SMSC keeps the MO', async () => {
    const gate = new IntakeGate();
    const seen: string[] = [];
    const refused: string[] = [];
    const guarded = gate.guard(
      {
        accept: async (operator: string) => {
          seen.push(operator);
          return CommandStatus.ESME_ROK;
        },
      },
      (operator) => refused.push(operator),
    );
    gate.close();
    await expect(guarded.accept('zong', 'mo-2')).resolves.toBe(CommandStatus.ESME_RX_T_APPN);
    expect(seen).toEqual([]);
    expect(refused).toEqual(['zong']);
    expect(gate.isOpen).toBe(false);
  });

  it('lets an MO already being stored finish with its own answer after the gate closes', async () => {
    const gate = new IntakeGate();
    let release!: () => void;
    const stored = new Promise<void>((r) => (release = r));
    const guarded = gate.guard({
      accept: async () => {
        await stored;
        return CommandStatus.ESME_ROK;
      },
    });
    const inFlight = guarded.accept('jazz', 'mo-3');
    gate.close();
    release();
    await expect(inFlight).resolves.toBe(CommandStatus.ESME_ROK);
  });
});

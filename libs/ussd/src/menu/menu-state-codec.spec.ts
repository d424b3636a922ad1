import { EXAMPLE_VOTER } from '../testing';
import { startMenu, stepMenu } from './menu-machine';
import { decodeMenuState } from './menu-state-codec';
import type { MenuState } from './menu-state';
import type { MenuEvent, StepResult } from './menu-step';

// Its parts appear nowhere in the example voter's details, so finding one in a state means the CNIC.
const CNIC = '4210176543219';
/** The CNIC in every form the dialog types it, and its middle part alone. */
const CNIC_FORMS = [CNIC, '42101-7654321-9', '۴۲۱۰۱-۷۶۵۴۳۲۱-۹', '٤٢١٠١٧٦٥٤٣٢١٩', '7654321'];

/** A whole dialog in one language: a wrong CNIC, a lookup, every page, back, and the SMS. */
function dialog(lang: 'ur' | 'en'): StepResult[] {
  const events: MenuEvent[] = [
    { kind: 'input', text: '1' },
    { kind: 'input', text: '42101-7654321' },
    { kind: 'input', text: lang === 'ur' ? '۴۲۱۰۱-۷۶۵۴۳۲۱-۹' : '42101-7654321-9' },
    { kind: 'lookup_result', outcome: { kind: 'found', voter: EXAMPLE_VOTER } },
    { kind: 'input', text: '1' },
    { kind: 'input', text: '1' },
    { kind: 'input', text: '2' },
    { kind: 'input', text: '3' },
  ];
  const steps: StepResult[] = [startMenu(null)];
  steps.push(stepMenu(steps[0].state, { kind: 'input', text: lang === 'ur' ? '1' : '2' }));
  for (const event of events) steps.push(stepMenu(steps[steps.length - 1].state, event));
  return steps;
}

describe('a menu state stored as JSON', () => {
  const states = [...dialog('ur'), ...dialog('en')].map((s) => s.state);

  it('comes back from JSON equal, and steps on equally, at every step of a dialog', () => {
    for (const state of states) {
      const back = decodeMenuState(JSON.stringify(state));
      expect(back).toEqual(state);
      expect(stepMenu(back, { kind: 'input', text: '1' })).toEqual(stepMenu(state, { kind: 'input', text: '1' }));
    }
  });

  it('holds no CNIC in any form at any step, though the CNIC went out in the lookup action', () => {
    const steps = [...dialog('ur'), ...dialog('en')];
    expect(steps.some((s) => s.action?.kind === 'lookup' && s.action.cnic === CNIC)).toBe(true);
    for (const { state } of steps) {
      const json = JSON.stringify(state);
      for (const form of CNIC_FORMS) expect(json).not.toContain(form);
      expect(json).not.toMatch(/\d{13}/);
    }
  });

  it.each<[string, string]>([
    ['not JSON', '{'],
    ['not an object', '[1]'],
    ['another version', JSON.stringify({ v: 2, at: 'main', lang: 'ur', bad: 0 })],
    ['an unknown screen', JSON.stringify({ v: 1, at: 'payment', lang: 'ur', bad: 0 })],
    ['an unknown language', JSON.stringify({ v: 1, at: 'main', lang: 'fr', bad: 0 })],
    ['a negative count', JSON.stringify({ v: 1, at: 'main', lang: 'ur', bad: -1 })],
    ['an unknown CNIC mistake', JSON.stringify({ v: 1, at: 'cnic', lang: 'ur', bad: 1, invalid: 'too_short' })],
    ['an ending that needs a language, without one', JSON.stringify({ v: 1, at: 'ended', lang: null, reason: 'sms_sent' })],
    ['a voter missing a field', JSON.stringify({ v: 1, at: 'result', lang: 'en', bad: 0, page: 0, voter: { ...EXAMPLE_VOTER, stationEn: undefined } })],
    ['a voter with a field no reply shows', JSON.stringify({ v: 1, at: 'result', lang: 'en', bad: 0, page: 0, voter: { ...EXAMPLE_VOTER, cnic: CNIC } })],
    ['a page that is not a whole number', JSON.stringify({ v: 1, at: 'result', lang: 'en', bad: 0, page: 0.5, voter: EXAMPLE_VOTER })],
  ])('refuses %s as INVALID_MENU_STATE', (_name, json) => {
    expect(() => decodeMenuState(json)).toThrow(expect.objectContaining({ code: 'INVALID_MENU_STATE', retriable: false }));
  });

  it('reads every kind of state the menu writes', () => {
    const kinds: MenuState[] = [
      { v: 1, at: 'language', bad: 1 },
      { v: 1, at: 'help', lang: 'en', bad: 0 },
      { v: 1, at: 'not_found', lang: 'ur', bad: 1 },
      { v: 1, at: 'looking_up', lang: 'ur' },
      { v: 1, at: 'ended', lang: null, reason: 'timeout' },
      { v: 1, at: 'result', lang: 'ur', bad: 0, page: 2, voter: { ...EXAMPLE_VOTER, pa: null } },
    ];
    for (const state of kinds) expect(decodeMenuState(JSON.stringify(state))).toEqual(state);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOperatorLinks } from './operator-links';

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'parchee-submit-')), 'operators.yaml');
  writeFileSync(path, content);
  return path;
}

const client = `
operators:
  - id: jazz
    host: 127.0.0.1
    port: 2775
    systemId: parchee-jazz
    passwordEnv: PW
`;

const server = `
operators:
  - id: acme
    mode: server
    systemId: acme
    passwordEnv: PW
    listen: { ingressPort: 3775, egressPort: 3776 }
    allowedIps: [10.0.0.1]
`;

/** The link's `submit:` block written as YAML lines under it. */
function withSubmit(base: string, ...lines: string[]): string {
  return `${base}    submit:\n${lines.map((line) => `      ${line}\n`).join('')}`;
}

function submitOf(content: string) {
  return loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(content), PW: 'x' }).operators[0].submit;
}

function problemsOf(content: string): string {
  try {
    loadOperatorLinks({ PARCHEE_OPERATORS_FILE: file(content), PW: 'x' });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the file was accepted');
}

describe('operator links: the submit profile', () => {
  it('gives a client link without a submit block the fields egress has always sent', () => {
    expect(submitOf(client)).toEqual({
      sourceTon: 3,
      sourceNpi: 0,
      destTon: 1,
      destNpi: 1,
      destFormat: 'international',
      validity: 'relative',
      validityUtcOffset: '+05:00',
      registeredDelivery: 1,
      serviceType: '',
      dataCoding0: 'gsm7',
      retriableStatuses: [],
      messageIdFormat: 'auto',
    });
  });

  it('gives a server link without a submit block the same addressing and alphabet, and no submit_sm-only keys', () => {
    expect(submitOf(server)).toEqual({
      sourceTon: 3,
      sourceNpi: 0,
      destTon: 1,
      destNpi: 1,
      destFormat: 'international',
      serviceType: '',
      dataCoding0: 'gsm7',
      retriableStatuses: [],
    });
  });

  it('reads every key of a client link’s submit block', () => {
    const submit = submitOf(
      withSubmit(
        client,
        'sourceTon: 0',
        'sourceNpi: 1',
        'destTon: 2',
        'destNpi: 8',
        'destFormat: national',
        'validity: absolute',
        'validityUtcOffset: "-03:30"',
        'registeredDelivery: 17',
        'serviceType: CMT',
        'dataCoding0: latin1',
        'retriableStatuses: [0x58, ESME_RSUBMITFAIL, "0x400"]',
        'messageIdFormat: hex-to-decimal',
      ),
    );
    expect(submit).toEqual({
      sourceTon: 0,
      sourceNpi: 1,
      destTon: 2,
      destNpi: 8,
      destFormat: 'national',
      validity: 'absolute',
      validityUtcOffset: '-03:30',
      registeredDelivery: 17,
      serviceType: 'CMT',
      dataCoding0: 'latin1',
      retriableStatuses: [0x58, 'ESME_RSUBMITFAIL', 0x400],
      messageIdFormat: 'hex-to-decimal',
    });
  });

  it.each([
    ['international', 1],
    ['plus', 1],
    ['national', 2],
    ['national-trunk', 0],
  ])('picks the destination TON that fits destFormat %s when the link names none', (format, ton) => {
    expect(submitOf(withSubmit(client, `destFormat: ${format}`)).destTon).toBe(ton);
  });

  it('keeps a destination TON the link names even when it is not the one its format suggests', () => {
    expect(submitOf(withSubmit(client, 'destFormat: national-trunk', 'destTon: 2')).destTon).toBe(2);
  });

  it('reads the addressing keys of a server link’s submit block', () => {
    expect(submitOf(withSubmit(server, 'destFormat: plus', 'dataCoding0: latin1', 'retriableStatuses: [ESME_RX_P_APPN]'))).toMatchObject({
      destFormat: 'plus',
      destTon: 1,
      dataCoding0: 'latin1',
      retriableStatuses: ['ESME_RX_P_APPN'],
    });
  });

  it.each([
    ['a TON outside SMPP 3.4', ['destTon: 7'], /operators\.0\.submit\.destTon: a TON is one of 0, 1, 2, 3, 4, 5, 6 .*\(link jazz\)/],
    ['a TON written as a word', ['sourceTon: international'], /operators\.0\.submit\.sourceTon: Invalid input: expected number.*\(link jazz\)/],
    ['an NPI outside SMPP 3.4', ['destNpi: 2'], /operators\.0\.submit\.destNpi: an NPI is one of 0, 1, 3, 4, 6, 8, 9, 10, 14, 18/],
    ['an unknown number format', ['destFormat: e164'], /operators\.0\.submit\.destFormat: .*"international"\|"plus"\|"national"\|"national-trunk"/],
    ['an unknown validity', ['validity: forever'], /operators\.0\.submit\.validity/],
    [
      'a UTC offset that is not whole quarter hours',
      ['validity: absolute', 'validityUtcOffset: "+05:10"'],
      /submit\.validityUtcOffset: an offset such as \+05:00/,
    ],
    [
      'a UTC offset without absolute validity',
      ['validityUtcOffset: "+05:00"'],
      /submit\.validityUtcOffset: validityUtcOffset applies only to validity: absolute/,
    ],
    ['the reserved receipt request 3', ['registeredDelivery: 3'], /submit\.registeredDelivery: registered_delivery bits 0-1 = 3 is reserved/],
    ['reserved registered_delivery bits', ['registeredDelivery: 32'], /submit\.registeredDelivery: registered_delivery bits 5-7 are reserved/],
    ['a service_type too long', ['serviceType: WAPPUSH'], /submit\.serviceType: service_type is at most 5 characters/],
    ['an unknown alphabet for data_coding 0', ['dataCoding0: ascii'], /submit\.dataCoding0/],
    ['ESME_ROK as a retriable status', ['retriableStatuses: [ESME_ROK]'], /submit\.retriableStatuses\.0: .*never ESME_ROK/],
    ['status 0 as a retriable status', ['retriableStatuses: [0]'], /submit\.retriableStatuses\.0: .*ESME_ROK, never a failure/],
    [
      'a retriable status that is neither a number nor a name',
      ['retriableStatuses: [throttled]'],
      /submit\.retriableStatuses\.0: a command_status is a number/,
    ],
    ['an unknown message id format', ['messageIdFormat: hex'], /submit\.messageIdFormat: .*"auto"\|"same"\|"hex-to-decimal"\|"decimal-to-hex"/],
    ['an unknown key', ['sourceAddr: "8300"'], /operators\.0\.submit: Unrecognized key: "sourceAddr"/],
  ])('refuses to start with %s, naming the link and the key', (_name, lines, message) => {
    expect(problemsOf(withSubmit(client, ...lines))).toMatch(message);
  });

  it('refuses submit_sm-only keys on a server link, saying why', () => {
    expect(problemsOf(withSubmit(server, 'validity: none', 'registeredDelivery: 0'))).toMatch(
      /operators\.0\.submit: validity, registeredDelivery: submit_sm only; a server-mode link's replies go out as deliver_sm.*\(link acme\)/,
    );
  });
});

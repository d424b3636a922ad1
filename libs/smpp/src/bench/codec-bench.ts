/**
 * npm run bench -- codec: encode and decode PDUs per second on one core (the codec is synchronous,
 * so one Node process measures one core), for the PDUs Parchee exchanges most. Target: at least
 * 300 000 per second per core for each, both ways.
 *
 *   BENCH_CODEC_SECONDS   length of one measurement (default 1)
 *   BENCH_CODEC_ROUNDS    measurements per PDU and direction; the median is printed (default 5)
 *
 * Run alone: node -r @swc-node/register libs/smpp/src/bench/codec-bench.ts
 */
import { cpus } from 'node:os';
import { CommandStatus } from '../codec/command-status';
import { EsmClass, MessageState, Npi, RegisteredDelivery, Ton } from '../codec/field-values';
import type { EncodablePdu } from '../codec/pdu';
import { deliverSmBody, submitSmBody } from '../codec/pdu-defaults';
import { decodePdu, encodePdu } from '../codec/pdu-codec';
import { createTlv } from '../codec/tlv';
import { TlvTag } from '../codec/tlv-tag';
import { DataCoding } from '../text/data-coding';
import { encodeGsm7 } from '../text/gsm7';
import { encodeUcs2 } from '../text/ucs2';
import { segmentForSms } from '../text/segmenter';
import { envNumber, formatTable, median, print, thousands } from './bench-table';

const SECONDS = envNumber('BENCH_CODEC_SECONDS', 1);
const ROUNDS = Math.round(envNumber('BENCH_CODEC_ROUNDS', 5));
const TARGET_PER_SECOND = 300_000;

const ENGLISH_160 =
  'Your vote: NA-125 Lahore-IX, polling station 47 Govt Girls High School Ravi Road, booth 3 (women), serial 1128 on block code 123456789. Bring your CNIC on polling day';
const URDU_70 = 'آپ کا ووٹ: این اے-125 لاہور، پولنگ اسٹیشن 47، بوتھ 3، سلسلہ نمبر 1128۔ شناختی کارڈ ساتھ لائیں';
const sar = (total: number, seqnum: number) => [
  createTlv(TlvTag.sar_msg_ref_num, 0x2a17),
  createTlv(TlvTag.sar_total_segments, total),
  createTlv(TlvTag.sar_segment_seqnum, seqnum),
];
const mt = {
  sourceAddrTon: Ton.NETWORK_SPECIFIC,
  sourceAddrNpi: Npi.UNKNOWN,
  sourceAddr: '8300',
  destAddrTon: Ton.INTERNATIONAL,
  destAddrNpi: Npi.ISDN,
  destinationAddr: '923001234567',
  registeredDelivery: RegisteredDelivery.SUCCESS_OR_FAILURE,
};
const mo = {
  sourceAddrTon: Ton.INTERNATIONAL,
  sourceAddrNpi: Npi.ISDN,
  sourceAddr: '923001234567',
  destAddrTon: Ton.NETWORK_SPECIFIC,
  destinationAddr: '8300',
};

const cases: Array<{ name: string; pdu: EncodablePdu }> = [
  {
    name: 'deliver_sm MO, GSM-7, no TLVs',
    pdu: { command: 'deliver_sm', commandStatus: 0, sequenceNumber: 1, ...deliverSmBody({ ...mo, shortMessage: encodeGsm7('3520212345671') }) },
  },
  {
    name: 'deliver_sm receipt, with TLVs',
    pdu: {
      command: 'deliver_sm',
      commandStatus: 0,
      sequenceNumber: 2,
      ...deliverSmBody({
        ...mo,
        esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
        shortMessage: Buffer.from(
          'id:5f3e9a1c2b sub:001 dlvrd:001 submit date:2602081230 done date:2602081231 stat:DELIVRD err:000 text:Your vote: NA-125',
          'latin1',
        ),
        tlvs: [createTlv(TlvTag.receipted_message_id, '5f3e9a1c2b'), createTlv(TlvTag.message_state, MessageState.DELIVERED)],
      }),
    },
  },
  {
    name: 'submit_sm GSM-7 160, no TLVs',
    pdu: { command: 'submit_sm', commandStatus: 0, sequenceNumber: 3, ...submitSmBody({ ...mt, shortMessage: encodeGsm7(ENGLISH_160.slice(0, 160)) }) },
  },
  {
    name: 'submit_sm GSM-7 153, SAR TLVs',
    pdu: {
      command: 'submit_sm',
      commandStatus: 0,
      sequenceNumber: 4,
      ...submitSmBody({ ...mt, shortMessage: encodeGsm7(ENGLISH_160.slice(0, 153)), tlvs: sar(2, 1) }),
    },
  },
  {
    name: 'submit_sm UCS-2 70, no TLVs',
    pdu: {
      command: 'submit_sm',
      commandStatus: 0,
      sequenceNumber: 5,
      ...submitSmBody({ ...mt, dataCoding: DataCoding.UCS2, shortMessage: encodeUcs2(URDU_70.slice(0, 70)) }),
    },
  },
  {
    name: 'submit_sm UCS-2 67, SAR TLVs',
    pdu: {
      command: 'submit_sm',
      commandStatus: 0,
      sequenceNumber: 6,
      ...submitSmBody({ ...mt, dataCoding: DataCoding.UCS2, shortMessage: encodeUcs2(URDU_70.slice(0, 67)), tlvs: sar(2, 1) }),
    },
  },
  { name: 'submit_sm_resp', pdu: { command: 'submit_sm_resp', commandStatus: CommandStatus.ESME_ROK, sequenceNumber: 7, messageId: '5f3e9a1c2b' } },
  { name: 'enquire_link', pdu: { command: 'enquire_link', commandStatus: 0, sequenceNumber: 8 } },
];

/**
 * Replies as egress splits them before any submit_sm (look-alikes replaced): a long Urdu one (4
 * UCS-2 parts), a long English one (2 GSM parts), and the same English one as a roll typed in a
 * word processor spells it (’ – and a no-break space), still 2 GSM parts.
 */
const REPLY_TEXTS: Array<{ name: string; text: string }> = [
  { name: 'segment a 4-part Urdu reply', text: `${URDU_70} ${URDU_70} ${URDU_70}`.slice(0, 260) },
  { name: 'segment a 2-part English reply', text: `${ENGLISH_160} {block} [serial]`.slice(0, 200) },
  {
    name: 'segment a 2-part English reply with look-alikes',
    text: `${ENGLISH_160} {block} [serial]`
      .slice(0, 200)
      .replace('Girls', 'Girls\u2019')
      .replace('Lahore-IX', 'Lahore\u2013IX')
      .replace('booth 3', 'booth\u00a03'),
  },
];

/** Calls `op` for `seconds` and returns calls per second. Checks the clock every 1 024 calls. */
function opsPerSecond(op: () => number, seconds: number): number {
  const budget = BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let calls = 0;
  let sink = 0;
  let elapsed = 0n;
  do {
    for (let i = 0; i < 1024; i++) sink += op();
    calls += 1024;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  if (sink === -1) print('unreachable');
  return (calls * 1e9) / Number(elapsed);
}

function main(): void {
  print(
    `bench codec: ${cases.length} PDUs, ${ROUNDS} × ${SECONDS} s per PDU and direction, one core (${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version})`,
  );
  const encoded = cases.map(({ pdu }) => Buffer.from(encodePdu(pdu)));
  // Every PDU survives a round trip before it is timed.
  cases.forEach(({ name }, i) => {
    if (!encodePdu({ ...decodePdu(encoded[i]) } as EncodablePdu).equals(encoded[i])) throw new Error(`${name}: round trip changed the PDU`);
  });
  // Warm-up: let the JIT settle on every path before measuring.
  cases.forEach(({ pdu }, i) => {
    opsPerSecond(() => encodePdu(pdu).length, 0.2);
    opsPerSecond(() => decodePdu(encoded[i]).sequenceNumber, 0.2);
  });

  const rows = [['PDU', 'octets', 'encode/s', 'decode/s', 'encode µs', 'decode µs', `≥ ${thousands(TARGET_PER_SECOND)}/s`]];
  let slowest = Number.POSITIVE_INFINITY;
  cases.forEach(({ name, pdu }, i) => {
    const bytes = encoded[i];
    const encodeRates: number[] = [];
    const decodeRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      encodeRates.push(opsPerSecond(() => encodePdu(pdu).length, SECONDS));
      decodeRates.push(opsPerSecond(() => decodePdu(bytes).sequenceNumber, SECONDS));
    }
    const encode = median(encodeRates);
    const decode = median(decodeRates);
    slowest = Math.min(slowest, encode, decode);
    rows.push([
      name,
      String(bytes.length),
      thousands(encode),
      thousands(decode),
      (1e6 / encode).toFixed(2),
      (1e6 / decode).toFixed(2),
      Math.min(encode, decode) >= TARGET_PER_SECOND ? 'yes' : 'NO',
    ]);
  });
  print(formatTable(rows));
  const segmentRows = [['reply text', 'chars', 'parts', 'segments/s', 'µs']];
  for (const { name, text } of REPLY_TEXTS) {
    const segment = () => segmentForSms(text, { reference: 7, mode: 'udh8', gsm7LookAlikes: true }).segments.length;
    opsPerSecond(segment, 0.2);
    const rate = median(Array.from({ length: ROUNDS }, () => opsPerSecond(segment, SECONDS)));
    segmentRows.push([name, String(text.length), String(segment()), thousands(rate), (1e6 / rate).toFixed(2)]);
  }
  print(formatTable(segmentRows));
  print(
    slowest >= TARGET_PER_SECOND
      ? `bench codec: every PDU encodes and decodes at ≥ ${thousands(TARGET_PER_SECOND)}/s per core (slowest ${thousands(slowest)}/s)`
      : `bench codec: BELOW TARGET: slowest ${thousands(slowest)}/s per core, target ${thousands(TARGET_PER_SECOND)}/s`,
  );
}

main();

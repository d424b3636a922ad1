import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import type { LoadRequest } from '../load/load-runner';
import type { MoExchangeOutcome, MoExchangeRequest } from '../traffic/mo-exchange';
import type { RecordedMt } from '../traffic/mt-recorder';
import { ControlApi, type SimulatorControl } from './control-api';

const ack = { operator: 'jazz', parts: 1, dataCoding: 0, commandStatus: 0, sentAt: 1_000, ackedAt: 1_010 };
const mt: RecordedMt = {
  seq: 1,
  operator: 'jazz',
  sourceAddr: '8300',
  destinationAddr: '923001234567',
  dataCoding: 8,
  text: 'آپ کا ووٹ',
  parts: 1,
  messageIds: ['a1'],
  firstPartAt: 1_050,
  receivedAt: 1_050,
};

class FakeControl implements SimulatorControl {
  readonly operatorIds = ['jazz', 'zong'];
  readonly defaultMoTimeoutMs = 15_000;
  readonly exchanges: MoExchangeRequest[] = [];
  readonly loads: LoadRequest[] = [];
  next: () => Promise<MoExchangeOutcome> = async () => ({ kind: 'replied', mo: ack, mt, latencyMs: 50 });
  exchange(req: MoExchangeRequest) {
    this.exchanges.push(req);
    return this.next();
  }
  recentMts(query: { msisdn?: string; operator?: string; limit?: number }) {
    return query.msisdn === mt.destinationAddr || !query.msisdn ? [mt].slice(0, query.limit) : [];
  }
  stats() {
    return { operators: { jazz: { mosSent: 3 } } };
  }
  async runLoad(req: LoadRequest) {
    this.loads.push(req);
    return { sent: req.count, acked: req.count, replied: req.count, timedOut: 0, refused: {}, failed: {}, durationMs: 1, throughputPerSec: 1, latencyMs: { p50: 1, p95: 1, p99: 1, max: 1 } };
  }
}

describe('control API over HTTP', () => {
  let control: FakeControl;
  let api: ControlApi;
  let base: string;

  beforeEach(async () => {
    control = new FakeControl();
    api = new ControlApi(control);
    const { port } = await api.listen('127.0.0.1', 0);
    base = `http://127.0.0.1:${port}`;
  });
  afterEach(() => api.close());

  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('answers /health with 200 while listening', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('returns the reply of POST /mo with the MO status, the MT and the latency', async () => {
    const res = await post('/mo', { operator: 'jazz', msisdn: '923001234567', text: 'HELP' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      mo: { commandStatus: 0, parts: 1, dataCoding: 0 },
      mt: expect.objectContaining({ text: 'آپ کا ووٹ', parts: 1, dataCoding: 8, sourceAddr: '8300', destinationAddr: '923001234567', receivedAt: new Date(1_050).toISOString() }),
      latencyMs: 50,
    });
    expect(control.exchanges).toEqual([{ operator: 'jazz', msisdn: '923001234567', text: 'HELP', timeoutMs: 15_000 }]);
  });

  it('maps a missing reply to 504, a missing bind to 503 and a refused MO to 502', async () => {
    control.next = async () => ({ kind: 'timeout', mo: ack });
    const timeout = await post('/mo', { operator: 'jazz', msisdn: '923001234567', text: 'x', timeoutMs: 10 });
    expect(timeout.status).toBe(504);
    expect(await timeout.json()).toEqual({ error: 'timeout', mo: { commandStatus: 0, parts: 1, dataCoding: 0 } });
    expect(control.exchanges[0].timeoutMs).toBe(10);

    control.next = async () => {
      throw new SimError('NO_RECEIVER_BIND', 'no receiver', true);
    };
    expect((await post('/mo', { operator: 'jazz', msisdn: '923001234567', text: 'x' })).status).toBe(503);

    control.next = async () => {
      throw new MoRefusedError(0x64, 'ESME_RX_T_APPN');
    };
    const refused = await post('/mo', { operator: 'jazz', msisdn: '923001234567', text: 'x' });
    expect(refused.status).toBe(502);
    expect(await refused.json()).toEqual({ error: 'mo-refused', mo: { commandStatus: 0x64, commandStatusName: 'ESME_RX_T_APPN' } });
  });

  it('refuses bad bodies with 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      ['{not json', 'body is not valid JSON'],
      [{ operator: 'jazz', msisdn: '92300abc', text: 'x' }, 'msisdn'],
      [{ operator: 'mobilink', msisdn: '923001234567', text: 'x' }, 'unknown operator'],
      [{ operator: 'jazz', msisdn: '923001234567' }, 'text'],
      [{ operator: 'jazz', msisdn: '923001234567', text: 'x', extra: 1 }, 'extra'],
    ];
    for (const [body, mention] of cases) {
      const res = await post('/mo', body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(mention);
    }
    expect(control.exchanges).toHaveLength(0);
  });

  it('lists recent MTs filtered by MSISDN', async () => {
    const res = await fetch(`${base}/mt?msisdn=923001234567&limit=5`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { count: number; mts: Array<{ text: string }> };
    expect(body.count).toBe(1);
    expect(body.mts[0].text).toBe('آپ کا ووٹ');
    expect(((await (await fetch(`${base}/mt?msisdn=923009999999`)).json()) as { count: number }).count).toBe(0);
    expect((await fetch(`${base}/mt?limit=0`)).status).toBe(400);
  });

  it('runs a load over every operator unless told otherwise', async () => {
    const res = await post('/load', { count: 3, concurrency: 2, texts: ['HELP'] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { replied: number }).replied).toBe(3);
    expect(control.loads[0]).toMatchObject({ operators: ['jazz', 'zong'], timeoutMs: 15_000 });
    expect((await post('/load', { count: 3, concurrency: 2, texts: ['x'], operators: ['warid'] })).status).toBe(400);
  });

  it('serves /stats and answers unknown routes with 404', async () => {
    expect(await (await fetch(`${base}/stats`)).json()).toEqual({ operators: { jazz: { mosSent: 3 } } });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

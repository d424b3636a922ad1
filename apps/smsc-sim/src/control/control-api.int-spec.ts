import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import type { FaultPlan } from '../faults/fault-plan';
import type { GarbageKind } from '../faults/garbage-pdus';
import type { LoadRequest } from '../load/load-runner';
import type { MoExchangeOutcome, MoExchangeRequest } from '../traffic/mo-exchange';
import type { RecordedMt } from '../traffic/mt-recorder';
import { ControlApi, type FaultControl, type SimulatorControl } from './control-api';

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

class FakeFaults implements FaultControl {
  readonly plans = new Map<string, FaultPlan>();
  readonly garbage: Array<{ operator: string; kinds: readonly GarbageKind[] }> = [];
  boundSessions = 2;
  get(operator: string): FaultPlan {
    return this.plans.get(operator) ?? {};
  }
  set(operator: string, plan: FaultPlan): void {
    this.plans.set(operator, plan);
  }
  reset(operator: string): FaultPlan {
    this.plans.delete(operator);
    return {};
  }
  disconnect(): number {
    return this.boundSessions;
  }
  injectGarbage(operator: string, kinds: readonly GarbageKind[]): number {
    this.garbage.push({ operator, kinds });
    return this.boundSessions;
  }
}

class FakeControl implements SimulatorControl {
  readonly operatorIds = ['jazz', 'zong'];
  readonly faults = new FakeFaults();
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
    return {
      sent: req.count,
      acked: req.count,
      replied: req.count,
      timedOut: 0,
      refused: {},
      failed: {},
      durationMs: 1,
      throughputPerSec: 1,
      latencyMs: { p50: 1, p95: 1, p99: 1, max: 1 },
      ackLatencyMs: { p50: 1, p95: 1, p99: 1, max: 1 },
      ackedPerSec: 1,
    };
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
      mt: expect.objectContaining({
        text: 'آپ کا ووٹ',
        parts: 1,
        dataCoding: 8,
        sourceAddr: '8300',
        destinationAddr: '923001234567',
        receivedAt: new Date(1_050).toISOString(),
      }),
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

  it('runs an open-loop load at a rate, and refuses one with neither a rate nor a concurrency', async () => {
    expect((await post('/load', { count: 3, ratePerSec: 100, texts: ['HELP'] })).status).toBe(200);
    expect(control.loads.at(-1)).toMatchObject({ count: 3, ratePerSec: 100 });
    expect(control.loads.at(-1)?.concurrency).toBeUndefined();
    const refused = await post('/load', { count: 3, texts: ['HELP'] });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('ratePerSec');
  });

  it('passes awaitReply false through to the load, leaves it unset by default, and refuses a non-boolean', async () => {
    expect((await post('/load', { count: 3, ratePerSec: 100, texts: ['HELP'], awaitReply: false })).status).toBe(200);
    expect(control.loads.at(-1)).toMatchObject({ count: 3, ratePerSec: 100, awaitReply: false });
    expect((await post('/load', { count: 3, ratePerSec: 100, texts: ['HELP'] })).status).toBe(200);
    expect(control.loads.at(-1)?.awaitReply).toBeUndefined();
    const refused = await post('/load', { count: 3, ratePerSec: 100, texts: ['HELP'], awaitReply: 'no' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('awaitReply');
    expect(control.loads).toHaveLength(2);
  });

  it('serves /stats and answers unknown routes with 404', async () => {
    expect(await (await fetch(`${base}/stats`)).json()).toEqual({ operators: { jazz: { mosSent: 3 } } });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  it('sets, shows and resets an operator fault plan', async () => {
    const plan = { seed: 7, tpsCap: 20, submitErrors: [{ status: 'ESME_RTHROTTLED', every: 3 }], deliveryReceipts: { idForm: 'decimal' } };
    const put = await send('PUT', '/operators/jazz/faults', plan);
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ operator: 'jazz', faults: plan });
    expect(control.faults.get('jazz')).toEqual(plan);
    expect(await (await fetch(`${base}/operators/jazz/faults`)).json()).toEqual({ operator: 'jazz', faults: plan });
    const reset = await send('DELETE', '/operators/jazz/faults');
    expect(await reset.json()).toEqual({ operator: 'jazz', faults: {} });
    expect(control.faults.plans.has('jazz')).toBe(false);
  });

  it('refuses a bad fault plan with 400 naming the field, and an unknown operator with 404', async () => {
    const cases: Array<[unknown, string]> = [
      [{ submitErrors: [{ status: 'ESME_RNOPE' }] }, 'submitErrors.0.status'],
      [{ submitNoResponse: { every: 2, fraction: 0.5 } }, 'not both'],
      [{ submitDelay: { every: 2 } }, 'submitDelay.ms'],
      [{ deliveryReceipts: { outcomes: [{ stat: 'LOST' }] } }, 'deliveryReceipts.outcomes.0.stat'],
      [{ tpsCap: 0 }, 'tpsCap'],
      [{ throttle: true }, 'throttle'],
    ];
    for (const [body, mention] of cases) {
      const res = await send('PUT', '/operators/zong/faults', body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(mention);
    }
    expect(control.faults.plans.has('zong')).toBe(false);
    const unknown = await send('PUT', '/operators/warid/faults', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown-operator', operator: 'warid' });
  });

  it('drops binds and injects garbage on request, 503 when no session is bound', async () => {
    expect(await (await send('POST', '/operators/jazz/disconnect')).json()).toEqual({ operator: 'jazz', disconnected: 2 });
    const garbage = await send('POST', '/operators/zong/inject-garbage', { kinds: ['bad-length', 'truncated-body'] });
    expect(await garbage.json()).toEqual({ operator: 'zong', sessions: 2, kinds: ['bad-length', 'truncated-body'] });
    expect(control.faults.garbage).toEqual([{ operator: 'zong', kinds: ['bad-length', 'truncated-body'] }]);
    expect((await send('POST', '/operators/zong/inject-garbage', { kinds: ['zeros'] })).status).toBe(400);
    control.faults.boundSessions = 0;
    expect((await send('POST', '/operators/zong/inject-garbage', { kinds: ['unknown-command'] })).status).toBe(503);
    expect((await send('PATCH', '/operators/zong/faults', {})).status).toBe(405);
  });

  // The API began as a node:http router; these pin what its callers may have come to rely on.
  describe('wire details', () => {
    const answer = async (res: Response) => ({ status: res.status, body: await res.json() });

    it('reads any body as JSON whatever its content-type, and answers POST with 200', async () => {
      const body = JSON.stringify({ operator: 'jazz', msisdn: '923001234567', text: 'HELP' });
      const contentTypes: Array<Record<string, string>> = [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }];
      for (const headers of contentTypes) {
        const res = await fetch(`${base}/mo`, { method: 'POST', headers, body });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      }
      expect(await answer(await fetch(`${base}/mo`, { method: 'POST' }))).toEqual({
        status: 400,
        body: { error: 'bad-request', issues: ['body is not valid JSON'] },
      });
      expect(await answer(await post('/mo', 'x'.repeat((1 << 20) + 1)))).toEqual({ status: 413, body: { error: 'body-too-large', limitBytes: 1 << 20 } });
      expect((await send('POST', '/operators/jazz/disconnect')).status).toBe(200);
    });

    it('names the route of a 404 without its query string, and of a 405 with it', async () => {
      expect(await answer(await fetch(`${base}/nope?x=1`))).toEqual({ status: 404, body: { error: 'not-found', route: 'GET /nope' } });
      expect(await answer(await send('PATCH', '/operators/zong/faults?x=1', {}))).toEqual({
        status: 405,
        body: { error: 'method-not-allowed', route: 'PATCH /operators/zong/faults?x=1' },
      });
      expect(await answer(await send('GET', '/operators/zong/disconnect'))).toEqual({
        status: 405,
        body: { error: 'method-not-allowed', route: 'GET /operators/zong/disconnect' },
      });
      expect(await answer(await send('PATCH', '/operators/warid/faults', {}))).toEqual({ status: 404, body: { error: 'unknown-operator', operator: 'warid' } });
      expect((await fetch(`${base}/operators/warid/faults`, { method: 'PUT', body: '{not json' })).status).toBe(404);
    });

    it('matches paths exactly, serves no HEAD and never answers 304', async () => {
      for (const path of ['/Health', '/health/', '/mo/', '/operators/jazz/faults/', '/Operators/jazz/faults']) {
        expect((await fetch(`${base}${path}`)).status).toBe(404);
      }
      expect((await fetch(`${base}/health`, { method: 'HEAD' })).status).toBe(404);
      expect((await fetch(`${base}/operators/jazz/faults`, { method: 'HEAD' })).status).toBe(405);
      expect((await fetch(`${base}/operators/jazz/faults`, { method: 'OPTIONS' })).status).toBe(405);
      const stats = await fetch(`${base}/stats`, { headers: { 'if-none-match': '*' } });
      expect(stats.status).toBe(200);
      expect(stats.headers.get('etag')).toBeNull();
      expect(stats.headers.get('x-powered-by')).toBeNull();
    });

    it('takes the last of a repeated query parameter', async () => {
      const res = await fetch(`${base}/mt?limit=0&limit=5`);
      expect(res.status).toBe(200);
    });

    it('closes without waiting for a request in flight', async () => {
      control.next = () => new Promise(() => undefined);
      const inFlight = post('/mo', { operator: 'jazz', msisdn: '923001234567', text: 'x' }).then(
        () => 'answered',
        () => 'dropped',
      );
      while (control.exchanges.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await api.close();
      expect(await inFlight).toBe('dropped');
    });
  });
});

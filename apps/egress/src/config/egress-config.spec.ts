import { readConfig } from '@parchee/config';
import { receiptsConfig } from './egress-config';

const receipts = (env: Record<string, string>) => readConfig({ receipts: receiptsConfig }, env).receipts;

describe('egress receipt settings', () => {
  it('keeps a message id mapped 6 hours past its validity by default', () => {
    expect(receipts({}).mapMarginSeconds).toBe(21_600);
  });

  it('takes a margin between a minute and a week from the environment', () => {
    expect(receipts({ EGRESS_DLR_MAP_MARGIN_SECONDS: '60' }).mapMarginSeconds).toBe(60);
    expect(receipts({ EGRESS_DLR_MAP_MARGIN_SECONDS: '604800' }).mapMarginSeconds).toBe(604_800);
    expect(() => receipts({ EGRESS_DLR_MAP_MARGIN_SECONDS: '59' })).toThrow(/EGRESS_DLR_MAP_MARGIN_SECONDS/);
    expect(() => receipts({ EGRESS_DLR_MAP_MARGIN_SECONDS: '604801' })).toThrow(/EGRESS_DLR_MAP_MARGIN_SECONDS/);
  });

  it('refuses the fixed map TTL it replaced, naming the setting to use instead', () => {
    expect(() => receipts({ EGRESS_DLR_MAP_TTL_SECONDS: '259200' })).toThrow(/EGRESS_DLR_MAP_TTL_SECONDS: no longer read.*EGRESS_DLR_MAP_MARGIN_SECONDS/);
  });

  it('lets the broker gather receipts for a fetch: 64 KiB or 250 ms by default, both settable and bounded', () => {
    expect(receipts({})).toMatchObject({ fetchMinBytes: 65_536, fetchMaxWaitMs: 250 });
    expect(receipts({ EGRESS_DLR_FETCH_MIN_BYTES: '1', EGRESS_DLR_FETCH_MAX_WAIT_MS: '5000' })).toMatchObject({ fetchMinBytes: 1, fetchMaxWaitMs: 5000 });
    expect(() => receipts({ EGRESS_DLR_FETCH_MIN_BYTES: '0' })).toThrow(/EGRESS_DLR_FETCH_MIN_BYTES/);
    expect(() => receipts({ EGRESS_DLR_FETCH_MAX_WAIT_MS: '5001' })).toThrow(/EGRESS_DLR_FETCH_MAX_WAIT_MS/);
  });
});

import { partitionLag } from './consumer-lag-monitor';

describe('partitionLag', () => {
  it('is the distance from the committed offset to the high watermark', () => {
    expect(partitionLag('40', '0', '55')).toBe(15);
  });

  it('counts every retained record when the group has never committed', () => {
    expect(partitionLag('-1', '10', '25')).toBe(15);
  });

  it('never goes negative when a commit races ahead of a stale watermark', () => {
    expect(partitionLag(30, 0, 28)).toBe(0);
  });
});

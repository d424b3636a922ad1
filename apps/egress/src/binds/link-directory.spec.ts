import type { SegmentationMode } from '@parchee/smpp';
import type { Transmitter, TransmitterDirectory } from '../delivery/mt-sender';
import { DEFAULT_SUBMIT_PROFILE, type SubmitProfile } from '../delivery/submit-profile';
import { LinkDirectory } from './link-directory';

function directory(operators: Record<string, SegmentationMode>): TransmitterDirectory & { transmitter: Transmitter } {
  const transmitter: Transmitter = { isBound: true, submitSm: async () => ({ messageId: Object.keys(operators).join(',') }) };
  return {
    transmitter,
    knows: (operator) => operator in operators,
    segmentation: (operator) => operators[operator],
    pick: (operator) => (operator in operators ? transmitter : null),
  };
}

describe('LinkDirectory', () => {
  const clients = directory({ jazz: 'udh8', zong: 'udh8' });
  const servers = directory({ acme: 'sar' });
  const links = new LinkDirectory([clients, servers]);

  it('routes each operator to the directory that serves its link', () => {
    expect(links.pick('jazz')).toBe(clients.transmitter);
    expect(links.pick('acme')).toBe(servers.transmitter);
    expect(links.segmentation('acme')).toBe('sar');
  });

  it('gives each operator the submit profile of the directory that serves its link, and the defaults otherwise', () => {
    const national: SubmitProfile = { ...DEFAULT_SUBMIT_PROFILE, destFormat: 'national', destTon: 2 };
    const withProfiles = new LinkDirectory([clients, { ...servers, profile: () => national }]);
    expect(withProfiles.profile('acme')).toBe(national);
    expect(withProfiles.profile('jazz')).toBe(DEFAULT_SUBMIT_PROFILE);
    expect(withProfiles.profile('ufone')).toBe(DEFAULT_SUBMIT_PROFILE);
  });

  it('knows an operator only when one of its directories does', () => {
    expect(links.knows('zong')).toBe(true);
    expect(links.knows('acme')).toBe(true);
    expect(links.knows('ufone')).toBe(false);
    expect(links.pick('ufone')).toBeNull();
  });
});

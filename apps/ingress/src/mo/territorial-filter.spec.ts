import { isPakistaniMobile } from './territorial-filter';

describe('isPakistaniMobile', () => {
  it.each([['923001234567'], ['923451234567'], ['923999999999']])('accepts the mobile number %p', (msisdn) => {
    expect(isPakistaniMobile(msisdn)).toBe(true);
  });

  it.each([['447700900123'], ['924235761234'], ['92300123456'], ['9230012345678'], ['03001234567'], [''], ['923001234567\n'], ['٩٢٣٠٠١٢٣٤٥٦٧']])(
    'refuses %p',
    (msisdn) => {
      expect(isPakistaniMobile(msisdn)).toBe(false);
    },
  );
});

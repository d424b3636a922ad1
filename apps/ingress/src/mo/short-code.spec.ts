import { servedShortCode } from './short-code';

describe('servedShortCode', () => {
  it.each([['8300'], ['928300'], ['+928300'], ['+92 8300'], ['00928300'], ['08300'], ['008300'], ['9208300'], [' 8300 ']])(
    'reads the destination %p as the short code 8300',
    (destination) => {
      expect(servedShortCode(destination, ['8300'])).toBe('8300');
    },
  );

  it('names which of the link’s short codes the MO was addressed to', () => {
    expect(servedShortCode('928311', ['8300', '8311'])).toBe('8311');
    expect(servedShortCode('8300', ['8300', '8311'])).toBe('8300');
  });

  it('takes an empty destination for the link’s first short code', () => {
    expect(servedShortCode('', ['8311', '8300'])).toBe('8311');
  });

  it.each([['8301'], ['83000'], ['830'], ['923001234567'], ['*8300#'], ['8300abc'], ['ECP'], ['+']])(
    'finds no short code in the destination %p',
    (destination) => {
      expect(servedShortCode(destination, ['8300'])).toBeUndefined();
    },
  );
});

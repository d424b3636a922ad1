import { Ton } from '@parchee/smpp';
import { normaliseMsisdn } from './msisdn';

describe('normaliseMsisdn', () => {
  it.each<[string, number | undefined]>([
    ['3001234567', Ton.NATIONAL],
    ['3001234567', Ton.UNKNOWN],
    ['3001234567', undefined],
    ['300 1234567', Ton.NATIONAL],
    ['03001234567', Ton.NATIONAL],
    ['03001234567', Ton.UNKNOWN],
    ['0300-1234567', undefined],
    ['923001234567', Ton.INTERNATIONAL],
    ['923001234567', Ton.NATIONAL],
    ['923001234567', Ton.UNKNOWN],
    ['+923001234567', Ton.INTERNATIONAL],
    ['+92 300 1234567', Ton.UNKNOWN],
    ['00923001234567', Ton.UNKNOWN],
    ['00923001234567', Ton.INTERNATIONAL],
  ])('reads the Pakistani mobile number written as %p (TON %p) as 923001234567', (address, ton) => {
    expect(normaliseMsisdn(address, ton)).toBe('923001234567');
  });

  it.each<[string, number | undefined]>([
    ['03001234567', Ton.INTERNATIONAL],
    ['+9203001234567', Ton.INTERNATIONAL],
    ['9203001234567', Ton.UNKNOWN],
    ['009203001234567', Ton.UNKNOWN],
  ])('drops a trunk zero the SMSC left in %p (TON %p): no international number starts with it', (address, ton) => {
    expect(normaliseMsisdn(address, ton)).toBe('923001234567');
  });

  it.each<[string, number | undefined]>([
    ['3001234567', Ton.INTERNATIONAL],
    ['+3001234567', Ton.NATIONAL],
    ['+3001234567', undefined],
  ])('never gives %p (TON %p), written as international, a country code it did not carry', (address, ton) => {
    expect(normaliseMsisdn(address, ton)).toBe('3001234567');
  });

  it.each<[string, number | undefined, string]>([
    ['447700900123', Ton.INTERNATIONAL, '447700900123'],
    ['+447700900123', Ton.UNKNOWN, '447700900123'],
    ['00447700900123', Ton.UNKNOWN, '00447700900123'],
    ['300123456', Ton.NATIONAL, '300123456'],
    ['924235761234', Ton.INTERNATIONAL, '924235761234'],
    ['', Ton.NATIONAL, ''],
  ])('leaves %p (TON %p) as %p for the territorial filter to judge', (address, ton, expected) => {
    expect(normaliseMsisdn(address, ton)).toBe(expected);
  });
});

import { deliveryKind, getTlvNumber, TlvTag } from '@parchee/smpp';
import { moQuirkNames, withMoQuirks, type MoQuirkFields } from './mo-quirks';

const mo: MoQuirkFields = { sourceAddr: '923001234567', sourceAddrTon: 1, sourceAddrNpi: 1, destinationAddr: '8300', destAddrTon: 0, destAddrNpi: 0 };
const addressing = (f: MoQuirkFields) => ({
  source: [f.sourceAddr, f.sourceAddrTon, f.sourceAddrNpi],
  destination: [f.destinationAddr, f.destAddrTon, f.destAddrNpi],
});

describe('MO quirks', () => {
  it('changes nothing without quirks', () => {
    expect(withMoQuirks(mo, {})).toEqual(mo);
    expect(moQuirkNames({})).toEqual([]);
  });

  it('writes the source as a national number without the trunk zero, TON 2', () => {
    expect(addressing(withMoQuirks(mo, { sourceNational: true })).source).toEqual(['3001234567', 2, 1]);
  });

  it('leaves a source with no national form as it is', () => {
    expect(withMoQuirks({ ...mo, sourceAddr: '447700900123' }, { sourceNational: true })).toEqual({ ...mo, sourceAddr: '447700900123' });
  });

  it.each([
    ['plus-international', '+928300', 1],
    ['international', '928300', 1],
    ['national', '08300', 2],
  ] as const)('writes the short code in the %s form as %s, TON %d', (form, addr, ton) => {
    expect(addressing(withMoQuirks(mo, { destinationForm: form })).destination).toEqual([addr, ton, 1]);
  });

  it('marks a USSD step by service_type or by the ussd_service_op TLV, either read as USSD', () => {
    const byServiceType = withMoQuirks({ ...mo, shortMessage: Buffer.from('1'), esmClass: 0, dataCoding: 0 }, { ussd: 'service-type' });
    expect(byServiceType.serviceType).toBe('USSD');
    expect(deliveryKind({ ...byServiceType, tlvs: byServiceType.tlvs ?? [] })).toBe('ussd');
    const byTlv = withMoQuirks({ ...mo, shortMessage: Buffer.from('1'), esmClass: 0, dataCoding: 0 }, { ussd: 'ussd-service-op' });
    expect(getTlvNumber({ tlvs: byTlv.tlvs ?? [] }, TlvTag.ussd_service_op)).toBe(1);
    expect(deliveryKind({ ...byTlv, tlvs: byTlv.tlvs ?? [] })).toBe('ussd');
  });

  it('names each quirk for the counters', () => {
    expect(moQuirkNames({ sourceNational: true, destinationForm: 'plus-international', trailingOctets: Buffer.from([0]), ussd: 'ussd-service-op' })).toEqual([
      'source-national',
      'destination-plus-international',
      'trailing-octets',
      'ussd-ussd-service-op',
    ]);
  });
});

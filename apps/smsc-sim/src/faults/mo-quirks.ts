import { createTlv, Npi, TlvTag, Ton, type Tlv } from '@parchee/smpp';
import type { MoConcatForm, MoDestinationForm, UssdMarker } from './fault-plan';

/** Pakistan's country code, which an international number or short code starts with. */
export const COUNTRY_CODE = '92';

/**
 * ussd_service_op of an MO that opens a USSD dialog: 1, "PSSR indication", the subscriber's
 * `*8300#` reaching the application (SMPP 3.4, 5.3.2.44).
 */
export const USSD_PSSR_INDICATION = 1;

/** The quirks the fault plan selected for one MO (every part of it); empty for a well-behaved SMSC. */
export interface MoQuirks {
  /** The source as a national number without the trunk zero (3001234567), TON 2. */
  sourceNational?: boolean;
  destinationForm?: MoDestinationForm;
  /** Octets after the last field of each part. */
  trailingOctets?: Buffer;
  /** Sent as a USSD step, marked this way. */
  ussd?: UssdMarker;
  /** A long MO whose parts go each on another receiving bind, with this concatenation header. */
  partsAcrossBinds?: MoConcatForm;
}

/** The addressing and marking fields of a deliver_sm that the quirks rewrite. */
export interface MoQuirkFields {
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destinationAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  serviceType?: string;
  tlvs?: Tlv[];
}

/** The names GET /stats counts the MOs of each quirk under (`moQuirks`). */
export function moQuirkNames(quirks: MoQuirks): string[] {
  const names: string[] = [];
  if (quirks.sourceNational) names.push('source-national');
  if (quirks.destinationForm) names.push(`destination-${quirks.destinationForm}`);
  if (quirks.trailingOctets) names.push('trailing-octets');
  if (quirks.ussd) names.push(`ussd-${quirks.ussd}`);
  if (quirks.partsAcrossBinds) names.push(`parts-across-binds-${quirks.partsAcrossBinds}`);
  return names;
}

/** The destination as the form writes the short code, with the TON that goes with it. */
function destination(shortCode: string, form: MoDestinationForm): { addr: string; ton: number } {
  switch (form) {
    case 'plus-international':
      return { addr: `+${COUNTRY_CODE}${shortCode}`, ton: Ton.INTERNATIONAL };
    case 'international':
      return { addr: `${COUNTRY_CODE}${shortCode}`, ton: Ton.INTERNATIONAL };
    case 'national':
      return { addr: `0${shortCode}`, ton: Ton.NATIONAL };
  }
}

/**
 * One MO part with its addressing and USSD quirks applied (the trailing octets are written when
 * the part is encoded, see quirk-pdus.ts). A source that is not an international Pakistani number
 * is left as it is: it has no national form to write.
 */
export function withMoQuirks<F extends MoQuirkFields>(fields: F, quirks: MoQuirks): F {
  if (!quirks.sourceNational && !quirks.destinationForm && !quirks.ussd) return fields;
  const out: F = { ...fields };
  if (quirks.sourceNational && fields.sourceAddr.startsWith(COUNTRY_CODE) && fields.sourceAddr.length > COUNTRY_CODE.length) {
    out.sourceAddr = fields.sourceAddr.slice(COUNTRY_CODE.length);
    out.sourceAddrTon = Ton.NATIONAL;
    out.sourceAddrNpi = Npi.ISDN;
  }
  if (quirks.destinationForm) {
    const { addr, ton } = destination(fields.destinationAddr, quirks.destinationForm);
    out.destinationAddr = addr;
    out.destAddrTon = ton;
    out.destAddrNpi = Npi.ISDN;
  }
  if (quirks.ussd === 'service-type') out.serviceType = 'USSD';
  if (quirks.ussd === 'ussd-service-op') out.tlvs = [...(fields.tlvs ?? []), createTlv(TlvTag.ussd_service_op, USSD_PSSR_INDICATION)];
  return out;
}

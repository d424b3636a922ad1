import { z } from 'zod';

/** SMPP 3.4 type_of_number values (5.2.5): unknown, international, national, network specific, subscriber, alphanumeric, abbreviated. */
const TONS: readonly number[] = [0, 1, 2, 3, 4, 5, 6];
/** SMPP 3.4 numbering_plan_indicator values (5.2.6): unknown, ISDN, data, telex, land mobile, national, private, ERMES, internet, WAP. */
const NPIS: readonly number[] = [0, 1, 3, 4, 6, 8, 9, 10, 14, 18];

const ton = z.number().refine((v) => TONS.includes(v), { message: `a TON is one of ${TONS.join(', ')} (SMPP 3.4, 5.2.5)` });
const npi = z.number().refine((v) => NPIS.includes(v), { message: `an NPI is one of ${NPIS.join(', ')} (SMPP 3.4, 5.2.6)` });

/**
 * How the subscriber's number is written in destination_addr. Egress holds it as 923001234567;
 * `national` drops the country code (3001234567), `national-trunk` writes the trunk zero in its
 * place (03001234567), `plus` prefixes it with '+' (+923001234567).
 */
export type DestinationFormat = 'international' | 'plus' | 'national' | 'national-trunk';

/**
 * The dest_addr_ton that fits each format when the link names none: the spec's national number
 * is the national significant number, so a number written with its trunk zero is as dialled,
 * type unknown.
 */
const TON_FOR_FORMAT: Readonly<Record<DestinationFormat, number>> = { international: 1, plus: 1, national: 2, 'national-trunk': 0 };

/**
 * How the SMSC's delivery receipts write the message id, against the submit_sm_resp: `same`
 * form (case and leading zeros aside), the submit_sm_resp's hex id as a decimal number
 * (`hex-to-decimal`), or its decimal id in hex (`decimal-to-hex`). `auto` tries the id as
 * written first, then its other readings.
 */
export type MessageIdFormat = 'auto' | 'same' | 'hex-to-decimal' | 'decimal-to-hex';

/**
 * What this SMSC reads data_coding 0 ("SMSC default alphabet") as: GSM 03.38 septets, one per
 * octet, or ISO-8859-1 octets.
 */
export type DefaultAlphabet = 'gsm7' | 'latin1';

/** An offset from UTC in hours and quarter hours, at most 12 hours either way: +05:00, -03:30. */
const UTC_OFFSET = /^[+-](0\d|1[0-2]):(00|15|30|45)$/;
const HEX_STATUS = /^0x[0-9a-f]{1,8}$/i;
/** A command_status by its spec name; egress resolves it against the SMPP table at boot. */
const STATUS_NAME = /^ESME_R[A-Z0-9_]+$/;

const commandStatus = z.union([
  z.number().int().min(1, 'command_status 0 is ESME_ROK, never a failure').max(0xffff_ffff, 'a command_status is at most 0xFFFFFFFF'),
  z.string().refine((s) => HEX_STATUS.test(s) || (STATUS_NAME.test(s) && s !== 'ESME_ROK'), {
    message: 'a command_status is a number (0x58) or an SMPP name such as ESME_RTHROTTLED, never ESME_ROK',
  }),
]);

/** Fields that mean the same whether the link's MTs go out as submit_sm or as deliver_sm. */
const addressingFields = {
  /** source_addr_ton/npi of the short code. */
  sourceTon: ton.default(3),
  sourceNpi: npi.default(0),
  /** dest_addr_ton; unset, the one that fits destFormat. */
  destTon: ton.optional(),
  destNpi: npi.default(1),
  destFormat: z.enum(['international', 'plus', 'national', 'national-trunk']).default('international'),
  /** service_type: a C-octet string of at most 5 characters (6 with its NUL). */
  serviceType: z
    .string()
    .max(5, 'service_type is at most 5 characters')
    .regex(/^[\x20-\x7e]*$/, 'printable ASCII only')
    .default(''),
  dataCoding0: z.enum(['gsm7', 'latin1']).default('gsm7'),
  /** Statuses this operator means as temporary, on top of the ones SMPP calls temporary. */
  retriableStatuses: z
    .array(commandStatus)
    .default([])
    .transform((statuses) => statuses.map((s) => (typeof s === 'string' && HEX_STATUS.test(s) ? Number.parseInt(s, 16) : s))),
};

/** Keys only submit_sm has; refused on a server-mode link, whose MTs go out as deliver_sm. */
const SUBMIT_ONLY_KEYS = ['validity', 'validityUtcOffset', 'registeredDelivery', 'messageIdFormat'];

function withDestTon<T extends { destTon?: number; destFormat: DestinationFormat }>(settings: T): Omit<T, 'destTon'> & { destTon: number } {
  return { ...settings, destTon: settings.destTon ?? TON_FOR_FORMAT[settings.destFormat] };
}

/** A client-mode link's `submit:` block: every submit_sm field egress would otherwise fix. */
export const clientSubmitSchema = z
  .strictObject({
    ...addressingFields,
    /** relative: the reply's remaining lifetime; absolute: its expiry as a moment; none: the SMSC's default. */
    validity: z.enum(['relative', 'absolute', 'none']).default('relative'),
    /** The UTC offset an absolute validity is written in. Only with validity: absolute. */
    validityUtcOffset: z.string().regex(UTC_OFFSET, 'an offset such as +05:00 or -03:30, whole quarter hours, at most 12 hours').optional(),
    /** registered_delivery (5.2.17): bits 0-1 the SMSC receipt (3 is reserved), bits 2-3 SME acknowledgements, bit 4 intermediate notifications. */
    registeredDelivery: z
      .number()
      .int()
      .min(0)
      .max(31, 'registered_delivery bits 5-7 are reserved: at most 31')
      .refine((v) => (v & 3) !== 3, { message: 'registered_delivery bits 0-1 = 3 is reserved' })
      .default(1),
    messageIdFormat: z.enum(['auto', 'same', 'hex-to-decimal', 'decimal-to-hex']).default('auto'),
  })
  .refine((s) => s.validityUtcOffset === undefined || s.validity === 'absolute', {
    message: 'validityUtcOffset applies only to validity: absolute',
    path: ['validityUtcOffset'],
  })
  .transform(({ validityUtcOffset, ...settings }) => withDestTon({ ...settings, validityUtcOffset: validityUtcOffset ?? '+05:00' }))
  .prefault({});

/** A server-mode link's `submit:` block: what applies to the deliver_sm our replies go out as. */
export const serverSubmitSchema = z
  .strictObject(addressingFields, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' && issue.keys.every((key) => SUBMIT_ONLY_KEYS.includes(key))
        ? `${issue.keys.join(', ')}: submit_sm only; a server-mode link's replies go out as deliver_sm, which carries no validity, receipt request nor receipts`
        : undefined,
  })
  .transform(withDestTon)
  .prefault({});

export type ClientSubmitSettings = z.output<typeof clientSubmitSchema>;
export type ServerSubmitSettings = z.output<typeof serverSubmitSchema>;

/** What a client-mode link without a `submit:` block gets: the fields as egress always sent them. */
export const DEFAULT_CLIENT_SUBMIT: Readonly<ClientSubmitSettings> = Object.freeze(clientSubmitSchema.parse(undefined));
/** What a server-mode link without a `submit:` block gets. */
export const DEFAULT_SERVER_SUBMIT: Readonly<ServerSubmitSettings> = Object.freeze(serverSubmitSchema.parse(undefined));

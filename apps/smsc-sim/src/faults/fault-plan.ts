import { CommandStatus } from '@parchee/smpp';
import { z } from 'zod';

/** Final delivery receipt outcomes as they appear in the receipt text's `stat:` field (SKIPPED is SMPP 5.0's). */
export const RECEIPT_STATS = ['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'SKIPPED'] as const;
export type ReceiptStat = (typeof RECEIPT_STATS)[number];

/**
 * States real SMSCs report in receipts before the final one: taken by the SMSC or the network
 * (ACKED, ACCEPTD), held for a retry (BUFFRED), on its way (ENROUTE).
 */
export const INTERMEDIATE_RECEIPT_STATS = ['ACKED', 'ACCEPTD', 'BUFFRED', 'ENROUTE'] as const;
export type IntermediateReceiptStat = (typeof INTERMEDIATE_RECEIPT_STATS)[number];

/** How a strict per-second cap counts (see per-second-window.ts). */
export const TPS_WINDOW_MODES = ['calendar', 'sliding'] as const;

/**
 * Successful submit_sm_resp bodies that SMSCs send and our encoder would not write: none at all, a
 * message_id without its terminating NUL, or SMPP 5.0 TLVs after the message_id (see quirk-pdus.ts).
 */
export const SUBMIT_RESP_FORMS = ['no-body', 'id-without-nul', 'tlvs-after-id'] as const;
export type SubmitRespForm = (typeof SUBMIT_RESP_FORMS)[number];

/**
 * How an MO's destination, the short code, may be written: `+928300` (TON 1), `928300` (TON 1) or
 * `08300` (TON 2), as SMSCs do; the default is the short code as it is (TON 0).
 */
export const MO_DESTINATION_FORMS = ['plus-international', 'international', 'national'] as const;
export type MoDestinationForm = (typeof MO_DESTINATION_FORMS)[number];

/**
 * How a long MO's parts carry their concatenation header when the plan spreads them over binds:
 * an 8-bit or 16-bit reference UDH, or the SAR TLVs.
 */
export const MO_CONCAT_FORMS = ['udh8', 'udh16', 'sar'] as const;
export type MoConcatForm = (typeof MO_CONCAT_FORMS)[number];

/** How a USSD step is marked: service_type "USSD", or the ussd_service_op TLV. */
export const USSD_MARKERS = ['service-type', 'ussd-service-op'] as const;
export type UssdMarker = (typeof USSD_MARKERS)[number];

/** Where a "late" receipt goes when the plan does not say: long after any test's patience. */
export const DEFAULT_LATE_RECEIPT_MS = 120_000;

/**
 * Shapes of the receipt deliver_sm, as real SMSCs vary them (see delivery-receipt.ts): the SMPP 3.4
 * receipt, the same content marked as an intermediate notification or an SME acknowledgement, and
 * two aggregator habits with esm_class 0: the text alone, or the TLVs alone.
 */
export const RECEIPT_FORMS = ['standard', 'intermediate', 'sme-ack', 'esm0-text', 'esm0-tlv'] as const;
export type ReceiptForm = (typeof RECEIPT_FORMS)[number];

/** How long an MO may stay in the simulated SMSC's queue when the plan does not say. */
export const DEFAULT_MO_MAX_WAIT_MS = 30_000;
/** Pause before an MO goes out again after a failed attempt, when the plan does not say. */
export const DEFAULT_MO_RETRY_DELAY_MS = 100;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const selectionShape = {
  every: int(1, 1_000_000).optional(),
  fraction: z.number().min(0).max(1).optional(),
};

const oneSelection = (s: { every?: number; fraction?: number }): boolean => s.every === undefined || s.fraction === undefined;
const oneSelectionMessage = { message: 'give "every" or "fraction", not both' };

const statusNames = Object.keys(CommandStatus);

/** A command_status by number (88 or 0x58 in YAML) or by spec name ("ESME_RTHROTTLED"). */
const commandStatus = z.union([
  int(1, 0xffffffff),
  z.string().refine((name) => statusNames.includes(name), { message: `unknown command_status name; one of ${statusNames.join(', ')}` }),
]);

const selection = z.object(selectionShape).strict().refine(oneSelection, oneSelectionMessage);

/**
 * How one simulated operator misbehaves, as the config file (`operators[].faults`) and
 * `PUT /operators/:id/faults` give it. Every key is optional; an empty plan is a well-behaved
 * SMSC. Each rule selects submit_sm PDUs with `every` (the Nth, 2Nth... since the plan was set),
 * `fraction` (seeded), or, with neither, all of them.
 */
export const faultPlanSchema = z
  .object({
    /** Seed of the PRNG behind every `fraction`. Default 1. */
    seed: int(0, 0xffffffff).optional(),
    /** Most submit_sm per second (token bucket, one second of burst); beyond it ESME_RTHROTTLED. */
    tpsCap: z.number().positive().max(1_000_000).optional(),
    /** A strict cap per second, no burst: per calendar second or over any 1 000 ms (default); beyond it ESME_RTHROTTLED. */
    tpsWindow: z
      .object({ cap: int(1, 100_000), mode: z.enum(TPS_WINDOW_MODES).optional() })
      .strict()
      .optional(),
    /**
     * A strict cap per second on each bind on its own, as operators that contract a rate per bind
     * police it: per calendar second or over any 1 000 ms (default); beyond it ESME_RTHROTTLED.
     */
    bindTpsWindow: z
      .object({ cap: int(1, 100_000), mode: z.enum(TPS_WINDOW_MODES).optional() })
      .strict()
      .optional(),
    /** Answer the selected submit_sm with this command_status instead of ESME_ROK; the first rule that hits wins. */
    submitErrors: z
      .array(
        z
          .object({ status: commandStatus, ...selectionShape })
          .strict()
          .refine(oneSelection, oneSelectionMessage),
      )
      .max(32)
      .optional(),
    /** Hold the selected submit_sm_resp (whatever its status) this long. */
    submitDelay: z
      .object({ ms: int(0, 600_000), ...selectionShape })
      .strict()
      .refine(oneSelection, oneSelectionMessage)
      .optional(),
    /** Never answer the selected submit_sm. */
    submitNoResponse: selection.optional(),
    /** Drop every bind of the operator when a selected submit_sm arrives (it is not answered). */
    disconnect: selection.optional(),
    /**
     * Refuse every bind, whatever its credentials, with `status` (default ESME_RINVPASWD), as an
     * SMSC does once the account's password was changed or the account locked. Binds already up
     * stay up.
     */
    bindRefusal: z.object({ status: commandStatus.optional() }).strict().optional(),
    /**
     * An account that may bind only as a transceiver: bind_receiver and bind_transmitter are
     * refused with `status` (default ESME_RBINDFAIL), and each delivery receipt goes only to the
     * bind that submitted its part.
     */
    transceiverOnly: z.object({ status: commandStatus.optional() }).strict().optional(),
    /**
     * The most binds of each type the account may hold at once; a bind beyond it is refused with
     * `status` (default ESME_RBINDFAIL). Binds already up stay up.
     */
    maxBinds: z
      .object({
        receiver: int(0, 1000).optional(),
        transmitter: int(0, 1000).optional(),
        transceiver: int(0, 1000).optional(),
        status: commandStatus.optional(),
      })
      .strict()
      .optional(),
    /** Send a delivery receipt for accepted submit_sm that ask for one (registered_delivery bits 1-0). */
    deliveryReceipts: z
      .object({
        /** Outcomes other than DELIVRD; the first rule that hits wins, DELIVRD otherwise. */
        outcomes: z
          .array(
            z
              .object({ stat: z.enum(RECEIPT_STATS), ...selectionShape })
              .strict()
              .refine(oneSelection, oneSelectionMessage),
          )
          .max(8)
          .optional(),
        /** After the submit_sm_resp: "immediate" (default), a number of ms, or "late" (lateMs). */
        delay: z.union([z.literal('immediate'), z.literal('late'), int(0, 3_600_000)]).optional(),
        /** How long "late" is. Default 120 000 ms. */
        lateMs: int(1, 86_400_000).optional(),
        /** Form of the id in the receipt text: "hex" as submit_sm_resp gave it (default), or "decimal" (the same number). */
        idForm: z.enum(['hex', 'decimal']).optional(),
        /** Shape of the receipt deliver_sm (esm_class, text, TLVs); "standard" by default. */
        form: z.enum(RECEIPT_FORMS).optional(),
        /** Intermediate receipts sent, in this order, before each final one. Default none. */
        intermediates: z.array(z.enum(INTERMEDIATE_RECEIPT_STATS)).max(8).optional(),
      })
      .strict()
      .optional(),
    /**
     * Keep each MO queued until the ESME acknowledges it, as a real SMSC does: wait for a receiving
     * bind when none is up, and deliver it again after no answer or a temporary error status.
     * Absent: an MO fails at once (NO_RECEIVER_BIND, MO_FAILED, refused).
     */
    moRedelivery: z
      .object({
        /** Longest life of one MO, from its first attempt; past it the last failure stands. Default 30 000 ms. */
        maxWaitMs: int(1, 600_000).optional(),
        /** Pause after a failed attempt before the next one. Default 100 ms. */
        retryDelayMs: int(0, 60_000).optional(),
      })
      .strict()
      .optional(),
    /**
     * Things real SMSCs do that a liberal ESME must take: odd submit_sm_resp bodies, MOs with
     * national or international addresses and octets after short_message, and USSD steps, which the
     * ESME must refuse. Each rule selects with `every` or `fraction` like the others, counting
     * submit_sm (submitResponses) or MOs (the mo* rules); absent, nothing odd is sent.
     */
    quirks: z
      .object({
        /** Answer the selected accepted submit_sm with this form of submit_sm_resp; the first rule that hits wins. */
        submitResponses: z
          .array(
            z
              .object({ form: z.enum(SUBMIT_RESP_FORMS), ...selectionShape })
              .strict()
              .refine(oneSelection, oneSelectionMessage),
          )
          .max(8)
          .optional(),
        /** Send the selected MO's source as a national number without the trunk zero (3001234567, TON 2). */
        moSourceNational: selection.optional(),
        /** Write the selected MO's destination in this form; the first rule that hits wins. */
        moDestinations: z
          .array(
            z
              .object({ form: z.enum(MO_DESTINATION_FORMS), ...selectionShape })
              .strict()
              .refine(oneSelection, oneSelectionMessage),
          )
          .max(8)
          .optional(),
        /** Put `count` (1-3, default 1) octets of `value` (default 0, a NUL) after the last field of each part of the selected MO. */
        moTrailingOctets: z
          .object({ count: int(1, 3).optional(), value: int(0, 255).optional(), ...selectionShape })
          .strict()
          .refine(oneSelection, oneSelectionMessage)
          .optional(),
        /**
         * Send each part of the selected long MO on another receiving bind than the part before it
         * (whenever more than one is up), its parts carrying the concatenation header `form`
         * (default udh8), as an SMSC that balances each deliver_sm over the account's binds does.
         */
        moPartsAcrossBinds: z
          .object({ form: z.enum(MO_CONCAT_FORMS).optional(), ...selectionShape })
          .strict()
          .refine(oneSelection, oneSelectionMessage)
          .optional(),
        /** Send the selected MO as a USSD step marked this way; the first rule that hits wins. */
        moUssd: z
          .array(
            z
              .object({ marker: z.enum(USSD_MARKERS), ...selectionShape })
              .strict()
              .refine(oneSelection, oneSelectionMessage),
          )
          .max(4)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type FaultPlan = z.output<typeof faultPlanSchema>;

/** The numeric command_status of a plan's status (number or spec name). */
export function statusValue(status: number | string): number {
  return typeof status === 'number' ? status >>> 0 : CommandStatus[status as keyof typeof CommandStatus];
}

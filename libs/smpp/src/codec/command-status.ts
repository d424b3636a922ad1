/** SMPP 3.4 command_status values (section 5.1.3, table 5-2), by their spec names. */
export const CommandStatus = {
  /** No error. */
  ESME_ROK: 0x00000000,
  /** Message length is invalid. */
  ESME_RINVMSGLEN: 0x00000001,
  /** Command length is invalid. */
  ESME_RINVCMDLEN: 0x00000002,
  /** Invalid command ID. */
  ESME_RINVCMDID: 0x00000003,
  /** Incorrect BIND status for given command. */
  ESME_RINVBNDSTS: 0x00000004,
  /** ESME already in bound state. */
  ESME_RALYBND: 0x00000005,
  /** Invalid priority flag. */
  ESME_RINVPRTFLG: 0x00000006,
  /** Invalid registered delivery flag. */
  ESME_RINVREGDLVFLG: 0x00000007,
  /** System error. */
  ESME_RSYSERR: 0x00000008,
  /** Invalid source address. */
  ESME_RINVSRCADR: 0x0000000a,
  /** Invalid destination address. */
  ESME_RINVDSTADR: 0x0000000b,
  /** Message ID is invalid. */
  ESME_RINVMSGID: 0x0000000c,
  /** Bind failed. */
  ESME_RBINDFAIL: 0x0000000d,
  /** Invalid password. */
  ESME_RINVPASWD: 0x0000000e,
  /** Invalid system ID. */
  ESME_RINVSYSID: 0x0000000f,
  /** Cancel SM failed. */
  ESME_RCANCELFAIL: 0x00000011,
  /** Replace SM failed. */
  ESME_RREPLACEFAIL: 0x00000013,
  /** Message queue full. */
  ESME_RMSGQFUL: 0x00000014,
  /** Invalid service type. */
  ESME_RINVSERTYP: 0x00000015,
  /** Invalid number of destinations. */
  ESME_RINVNUMDESTS: 0x00000033,
  /** Invalid distribution list name. */
  ESME_RINVDLNAME: 0x00000034,
  /** Destination flag is invalid (submit_multi). */
  ESME_RINVDESTFLAG: 0x00000040,
  /** Invalid 'submit with replace' request (replace_if_present_flag set). */
  ESME_RINVSUBREP: 0x00000042,
  /** Invalid esm_class field data. */
  ESME_RINVESMCLASS: 0x00000043,
  /** Cannot submit to distribution list. */
  ESME_RCNTSUBDL: 0x00000044,
  /** submit_sm or submit_multi failed. */
  ESME_RSUBMITFAIL: 0x00000045,
  /** Invalid source address TON. */
  ESME_RINVSRCTON: 0x00000048,
  /** Invalid source address NPI. */
  ESME_RINVSRCNPI: 0x00000049,
  /** Invalid destination address TON. */
  ESME_RINVDSTTON: 0x00000050,
  /** Invalid destination address NPI. */
  ESME_RINVDSTNPI: 0x00000051,
  /** Invalid system_type field. */
  ESME_RINVSYSTYP: 0x00000053,
  /** Invalid replace_if_present flag. */
  ESME_RINVREPFLAG: 0x00000054,
  /** Invalid number of messages. */
  ESME_RINVNUMMSGS: 0x00000055,
  /** Throttling error (ESME has exceeded allowed message limits). */
  ESME_RTHROTTLED: 0x00000058,
  /** Invalid scheduled delivery time. */
  ESME_RINVSCHED: 0x00000061,
  /** Invalid message validity period (expiry time). */
  ESME_RINVEXPIRY: 0x00000062,
  /** Predefined message invalid or not found. */
  ESME_RINVDFTMSGID: 0x00000063,
  /** ESME receiver temporary app error code. */
  ESME_RX_T_APPN: 0x00000064,
  /** ESME receiver permanent app error code. */
  ESME_RX_P_APPN: 0x00000065,
  /** ESME receiver reject message error code. */
  ESME_RX_R_APPN: 0x00000066,
  /** query_sm request failed. */
  ESME_RQUERYFAIL: 0x00000067,
  /** Error in the optional part of the PDU body. */
  ESME_RINVOPTPARSTREAM: 0x000000c0,
  /** Optional parameter not allowed. */
  ESME_ROPTPARNOTALLWD: 0x000000c1,
  /** Invalid parameter length. */
  ESME_RINVPARLEN: 0x000000c2,
  /** Expected optional parameter missing. */
  ESME_RMISSINGOPTPARAM: 0x000000c3,
  /** Invalid optional parameter value. */
  ESME_RINVOPTPARAMVAL: 0x000000c4,
  /** Delivery failure (used for data_sm_resp). */
  ESME_RDELIVERYFAILURE: 0x000000fe,
  /** Unknown error. */
  ESME_RUNKNOWNERR: 0x000000ff,
} as const;

export type CommandStatusName = keyof typeof CommandStatus;

const nameByStatus = new Map<number, CommandStatusName>(Object.entries(CommandStatus).map(([name, status]) => [status, name as CommandStatusName]));

/**
 * Spec name for a command_status, e.g. `ESME_RTHROTTLED`. Values outside the table (reserved or
 * SMSC vendor-specific, 0x400-0x4FF) come back as hex so a log line still shows what was received.
 */
export function commandStatusName(status: number): string {
  return nameByStatus.get(status >>> 0) ?? `0x${(status >>> 0).toString(16).padStart(8, '0')}`;
}

const temporaryStatuses: ReadonlySet<number> = new Set<number>([
  CommandStatus.ESME_RTHROTTLED,
  CommandStatus.ESME_RMSGQFUL,
  CommandStatus.ESME_RX_T_APPN,
  CommandStatus.ESME_RSYSERR,
]);

/**
 * Whether the same request may succeed later. Only the statuses the spec calls temporary (throttling,
 * full queue, temporary application error) and a generic system error qualify; everything else
 * describes a problem with the request itself, and resending it unchanged would fail again.
 */
export function isRetriableStatus(status: number): boolean {
  return temporaryStatuses.has(status >>> 0);
}

/** SMPP 3.4 command_id values (section 5.1.2.1). A response id is its request id with bit 31 set. */
export const CommandId = {
  GENERIC_NACK: 0x80000000,
  BIND_RECEIVER: 0x00000001,
  BIND_RECEIVER_RESP: 0x80000001,
  BIND_TRANSMITTER: 0x00000002,
  BIND_TRANSMITTER_RESP: 0x80000002,
  QUERY_SM: 0x00000003,
  QUERY_SM_RESP: 0x80000003,
  SUBMIT_SM: 0x00000004,
  SUBMIT_SM_RESP: 0x80000004,
  DELIVER_SM: 0x00000005,
  DELIVER_SM_RESP: 0x80000005,
  UNBIND: 0x00000006,
  UNBIND_RESP: 0x80000006,
  REPLACE_SM: 0x00000007,
  REPLACE_SM_RESP: 0x80000007,
  CANCEL_SM: 0x00000008,
  CANCEL_SM_RESP: 0x80000008,
  BIND_TRANSCEIVER: 0x00000009,
  BIND_TRANSCEIVER_RESP: 0x80000009,
  OUTBIND: 0x0000000b,
  ENQUIRE_LINK: 0x00000015,
  ENQUIRE_LINK_RESP: 0x80000015,
  SUBMIT_MULTI: 0x00000021,
  SUBMIT_MULTI_RESP: 0x80000021,
  ALERT_NOTIFICATION: 0x00000102,
  DATA_SM: 0x00000103,
  DATA_SM_RESP: 0x80000103,
} as const;

export type CommandIdName = keyof typeof CommandId;

/** The spec's lower-case PDU name, e.g. `submit_sm_resp`: the `command` discriminant of a Pdu. */
export type CommandName = Lowercase<CommandIdName>;

const RESPONSE_BIT = 0x80000000;

const nameById = new Map<number, CommandName>(Object.entries(CommandId).map(([name, id]) => [id, name.toLowerCase() as CommandName]));

/** The spec name for a command_id (`submit_sm`), or undefined for an id SMPP 3.4 does not define. */
export function commandName(commandId: number): CommandName | undefined {
  return nameById.get(commandId >>> 0);
}

const idByName = new Map<string, number>(Object.entries(CommandId).map(([name, id]) => [name.toLowerCase(), id]));

/** The command_id for a spec name (`submit_sm` -> 0x00000004). */
export function commandIdOf(command: CommandName): number {
  return idByName.get(command) as number;
}

/** True for every *_resp and for generic_nack. */
export function isResponseCommandId(commandId: number): boolean {
  return (commandId & RESPONSE_BIT) !== 0;
}

/** The response command_id a request is answered with (generic_nack answers anything). */
export function responseCommandIdFor(requestCommandId: number): number {
  return (requestCommandId | RESPONSE_BIT) >>> 0;
}

/** Human-readable form for logs: `submit_sm` or `0x00001234` when unknown. */
export function describeCommandId(commandId: number): string {
  return commandName(commandId) ?? `0x${(commandId >>> 0).toString(16).padStart(8, '0')}`;
}

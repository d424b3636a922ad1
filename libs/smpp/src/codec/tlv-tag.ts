/** SMPP 3.4 optional parameter tags (section 5.3.2, table 5-4), by their spec names. */
export const TlvTag = {
  dest_addr_subunit: 0x0005,
  dest_network_type: 0x0006,
  dest_bearer_type: 0x0007,
  dest_telematics_id: 0x0008,
  source_addr_subunit: 0x000d,
  source_network_type: 0x000e,
  source_bearer_type: 0x000f,
  source_telematics_id: 0x0010,
  qos_time_to_live: 0x0017,
  payload_type: 0x0019,
  additional_status_info_text: 0x001d,
  receipted_message_id: 0x001e,
  ms_msg_wait_facilities: 0x0030,
  privacy_indicator: 0x0201,
  source_subaddress: 0x0202,
  dest_subaddress: 0x0203,
  user_message_reference: 0x0204,
  user_response_code: 0x0205,
  source_port: 0x020a,
  destination_port: 0x020b,
  sar_msg_ref_num: 0x020c,
  language_indicator: 0x020d,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  callback_num_pres_ind: 0x0302,
  callback_num_atag: 0x0303,
  number_of_messages: 0x0304,
  callback_num: 0x0381,
  dpf_result: 0x0420,
  set_dpf: 0x0421,
  ms_availability_status: 0x0422,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  delivery_failure_reason: 0x0425,
  more_messages_to_send: 0x0426,
  message_state: 0x0427,
  ussd_service_op: 0x0501,
  display_time: 0x1201,
  sms_signal: 0x1203,
  ms_validity: 0x1204,
  alert_on_message_delivery: 0x130c,
  its_reply_type: 0x1380,
  its_session_info: 0x1383,
} as const;

export type TlvTagName = keyof typeof TlvTag;

/**
 * How a TLV's value is laid out: big-endian unsigned integers of 1, 2 or 4 octets, a C-Octet String
 * (NUL-terminated ASCII), raw octets, or no value at all (a flag whose presence is the meaning).
 */
export type TlvValueType = 'int8' | 'int16' | 'int32' | 'cstring' | 'octets' | 'empty';

export interface TlvDefinition {
  name: TlvTagName;
  type: TlvValueType;
  /** Largest value length in octets (C-Octet Strings include their NUL). */
  maxLength?: number;
}

const definitions: Record<TlvTagName, Omit<TlvDefinition, 'name'>> = {
  dest_addr_subunit: { type: 'int8' },
  dest_network_type: { type: 'int8' },
  dest_bearer_type: { type: 'int8' },
  dest_telematics_id: { type: 'int16' },
  source_addr_subunit: { type: 'int8' },
  source_network_type: { type: 'int8' },
  source_bearer_type: { type: 'int8' },
  source_telematics_id: { type: 'int8' },
  qos_time_to_live: { type: 'int32' },
  payload_type: { type: 'int8' },
  additional_status_info_text: { type: 'cstring', maxLength: 256 },
  receipted_message_id: { type: 'cstring', maxLength: 65 },
  ms_msg_wait_facilities: { type: 'int8' },
  privacy_indicator: { type: 'int8' },
  source_subaddress: { type: 'octets', maxLength: 23 },
  dest_subaddress: { type: 'octets', maxLength: 23 },
  user_message_reference: { type: 'int16' },
  user_response_code: { type: 'int8' },
  source_port: { type: 'int16' },
  destination_port: { type: 'int16' },
  sar_msg_ref_num: { type: 'int16' },
  language_indicator: { type: 'int8' },
  sar_total_segments: { type: 'int8' },
  sar_segment_seqnum: { type: 'int8' },
  sc_interface_version: { type: 'int8' },
  callback_num_pres_ind: { type: 'int8' },
  callback_num_atag: { type: 'octets', maxLength: 65 },
  number_of_messages: { type: 'int8' },
  callback_num: { type: 'octets', maxLength: 19 },
  dpf_result: { type: 'int8' },
  set_dpf: { type: 'int8' },
  ms_availability_status: { type: 'int8' },
  network_error_code: { type: 'octets', maxLength: 3 },
  message_payload: { type: 'octets' },
  delivery_failure_reason: { type: 'int8' },
  more_messages_to_send: { type: 'int8' },
  message_state: { type: 'int8' },
  ussd_service_op: { type: 'int8' },
  display_time: { type: 'int8' },
  sms_signal: { type: 'int16' },
  ms_validity: { type: 'int8' },
  alert_on_message_delivery: { type: 'empty' },
  its_reply_type: { type: 'int8' },
  its_session_info: { type: 'octets', maxLength: 2 },
};

const definitionByTag = new Map<number, TlvDefinition>((Object.keys(TlvTag) as TlvTagName[]).map((name) => [TlvTag[name], { name, ...definitions[name] }]));

/** The spec definition of a tag, or undefined for vendor-specific and unknown tags. */
export function tlvDefinition(tag: number): TlvDefinition | undefined {
  return definitionByTag.get(tag);
}

/** Spec name of a tag for logs, or its hex form. */
export function tlvTagName(tag: number): string {
  return definitionByTag.get(tag)?.name ?? `0x${tag.toString(16).padStart(4, '0')}`;
}

const integerLengths: Partial<Record<TlvValueType, number>> = { int8: 1, int16: 2, int32: 4, empty: 0 };

/** Exact value length a tag's type demands (integers and flags), or undefined when it varies. */
export function fixedTlvLength(tag: number): number | undefined {
  const definition = definitionByTag.get(tag);
  return definition ? integerLengths[definition.type] : undefined;
}

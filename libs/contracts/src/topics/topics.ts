/**
 * Every Kafka topic the suite uses, in one place. A topic name carries its schema version:
 * a breaking change to a message is a new topic (sms.mo.v2), so old and new services can run
 * side by side during a rolling deploy.
 */
export const Topics = {
  /**
   * Mobile-originated SMS, as accepted and understood by ingress (CNIC only as keyed hashes).
   * Keyed by the keyed hash of the MSISDN. v1 carried the text, and so the clear CNIC: delete
   * any sms.mo.v1 left on a broker after upgrading.
   */
  MO: 'sms.mo.v2',
  /**
   * Mobile-terminated replies, produced by lookup inside a Kafka transaction. Keyed like their MO,
   * by the keyed hash of the MSISDN: egress holds long replies' concatenation references per
   * number by it.
   */
  MT: 'sms.mt.v1',
  /** Delivery receipts correlated to their MT. */
  DLR: 'sms.dlr.v1',
  /** Messages a stage could not handle, with the reason. Never consumed automatically. */
  DEAD_LETTER: 'sms.dlq.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export interface TopicSpec {
  name: TopicName;
  partitions: number;
  config?: Record<string, string>;
}

/**
 * Partition counts cap how many replicas of a consumer can share the work, so MO and MT get
 * room to scale out on election eve. Retention is short for traffic (a replay after a day is
 * useless to a citizen) and long for dead letters (they are read by people).
 */
export const TOPIC_SPECS: ReadonlyArray<TopicSpec> = [
  { name: Topics.MO, partitions: 12, config: { 'retention.ms': String(24 * 3600 * 1000) } },
  { name: Topics.MT, partitions: 12, config: { 'retention.ms': String(24 * 3600 * 1000) } },
  { name: Topics.DLR, partitions: 6, config: { 'retention.ms': String(3 * 24 * 3600 * 1000) } },
  { name: Topics.DEAD_LETTER, partitions: 3, config: { 'retention.ms': String(14 * 24 * 3600 * 1000) } },
];

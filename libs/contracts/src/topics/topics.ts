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
 * room to scale out on election eve: twelve lookups and twelve egresses at most (the capacity plan
 * in docs/deploying-on-kubernetes.md). Retention is short for traffic (a replay after a day is
 * useless to a citizen), long enough for receipts to be re-read after an outage, and long for dead
 * letters (they are read by people). Partitions can be added to a topic later, never removed.
 */
export const TOPIC_SPECS: ReadonlyArray<TopicSpec> = [
  { name: Topics.MO, partitions: 12, config: { 'retention.ms': String(24 * 3600 * 1000) } },
  { name: Topics.MT, partitions: 12, config: { 'retention.ms': String(24 * 3600 * 1000) } },
  { name: Topics.DLR, partitions: 6, config: { 'retention.ms': String(3 * 24 * 3600 * 1000) } },
  { name: Topics.DEAD_LETTER, partitions: 3, config: { 'retention.ms': String(14 * 24 * 3600 * 1000) } },
];

/** Where the topics live: `local`, one broker (this machine, CI); `production`, a cluster of at least three. */
export type TopicProfileName = 'local' | 'production';

export interface TopicProfile {
  /** Copies of every partition, each on another broker. */
  replicationFactor: number;
  /**
   * Copies that must hold a record before an acks=all write (every Parchee producer's, the
   * transactional one included) succeeds. Below it the producer is refused and retries, so no
   * acknowledged MO or reply lives on one disk alone.
   */
  minInsyncReplicas: number;
}

/**
 * Production keeps three copies and needs two: one broker can be away (a rolling restart, a lost
 * node or zone) while every write still lands on two disks. Local has one broker, so one copy.
 */
export const TOPIC_PROFILES: Readonly<Record<TopicProfileName, TopicProfile>> = {
  local: { replicationFactor: 1, minInsyncReplicas: 1 },
  production: { replicationFactor: 3, minInsyncReplicas: 2 },
};

export function isTopicProfileName(name: string): name is TopicProfileName {
  return Object.prototype.hasOwnProperty.call(TOPIC_PROFILES, name);
}

/** A topic as a broker setup creates it: TOPIC_SPECS' partitions and retention, and the profile's copies. */
export interface ReplicatedTopicSpec {
  name: TopicName;
  partitions: number;
  replicationFactor: number;
  /** Topic-level broker settings: retention and min.insync.replicas. */
  config: Readonly<Record<string, string>>;
}

/**
 * Every topic for one profile: what the topic tool (tools/infra/create-topics.ts) creates and what
 * the Kubernetes KafkaTopic manifests declare (tools/k8s/generate.ts writes them from this), so
 * the two cannot disagree.
 */
export function topicSpecsFor(profileName: TopicProfileName): ReadonlyArray<ReplicatedTopicSpec> {
  const profile = TOPIC_PROFILES[profileName];
  return TOPIC_SPECS.map((spec) => ({
    name: spec.name,
    partitions: spec.partitions,
    replicationFactor: profile.replicationFactor,
    config: { ...spec.config, 'min.insync.replicas': String(profile.minInsyncReplicas) },
  }));
}

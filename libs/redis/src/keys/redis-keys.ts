/**
 * Every Redis key prefix Parchee uses, in one place, with the layout of the keys under it (as
 * `libs/contracts/src/topics/topics.ts` holds the Kafka topics). A user takes its prefix from here;
 * where a prefix is configurable, its default comes from here.
 *
 * No key (and no value) holds a clear MSISDN or CNIC: numbers, CNICs and message contents appear
 * only as keyed hashes (HMAC-SHA-256 with the pepper, base64url, `libs/privacy`), and ids are
 * random UUIDs or the SMSC's message ids. Keep it so: the leak scan of every e2e run reads every
 * key and value.
 *
 * Keys one script must touch together carry a Redis Cluster hash tag (`{…}`) so they share a slot:
 * a bind budget's members and slots, an operator's pending MO parts (and the link pacer's one key).
 * Keys read or written in batches carry none, so a cluster spreads them over every master, and the
 * batches are split by slot (readMany, commandBatch, slotChunks). No tag may gather a hot path's
 * traffic in one slot: tag per budget, operator or message, never per feature. A new or renamed
 * key is a new data layout: keys of the old layout are neither read nor moved, and expire by
 * their TTL (docs/operations.md, "Redis Cluster").
 */
export const RedisKeys = {
  /**
   * Ingress's memory of the MOs it took (SMSC re-deliveries, docs/delivery-guarantees.md):
   * `parchee:mo-seen:<base64url keyed fingerprint of operator, number and content>` holding
   * `p:<moId>` (pending) or `s:<moId>` (stored), PX the window (INGRESS_MO_DEDUPE_WINDOW_MS).
   * Configurable: INGRESS_MO_DEDUPE_KEY_PREFIX (the e2e suite gives each run its own).
   */
  MO_SEEN: 'parchee:mo-seen:',
  /**
   * Ingress's concatenated MOs waiting for their other parts, shared by every replica
   * (docs/delivery-guarantees.md, "Long messages"). Per operator, under the hash tag `{<operator id>}`:
   * - `parchee:mo-parts:{<operator id>}`: a sorted set of the pending messages, scored by first-part time (Redis's clock), PEXPIRE twice the timeout;
   * - `parchee:mo-parts:{<operator id>}:<base64url keyed hash of the MSISDN>:<scheme>:<reference>`: a hash of
   *   `m` = `<total>:<data_coding>:<first part at>` and `<seq>` = the part's user data sealed with AES-256-GCM
   *   (a key derived from the pepper), base64, PEXPIRE twice the timeout (INGRESS_MO_PARTS_TIMEOUT_MS).
   */
  MO_PARTS: 'parchee:mo-parts:',
  /**
   * Lookup's request guard and loop breaker (docs/protection.md). Configurable:
   * PROTECTION_KEY_PREFIX. Under it, the parts in `GuardKeys`:
   * - `<prefix>state:<base64url keyed hash of the MSISDN>`: the number's guard state (guard-state.ts), PX its memory;
   * - `<prefix>block:<keyed hash of the MSISDN>`: a block flag of the previous layout, read only;
   * - `<prefix>operator:<operator id>:<epoch minute>`: a HyperLogLog of the operator's distinct CNIC hashes that minute, PEXPIRE 2 min;
   * - `<prefix>replies:h:<epoch hour>:<keyed hash of the MSISDN>` and `<prefix>replies:d:<epoch day>:<…>`:
   *   help and invalid requests of the number in that clock hour or UTC day, PEXPIRE at the window's end.
   */
  GUARD: 'parchee:guard:',
  /**
   * The roll cache (libs/roll): `parchee:roll:v<version id>-<12 hex digits of its cache id>:<base64url keyed CNIC hash>`
   * holding the encoded voter (voter-record-codec.ts) EX 6 h, or the negative entry EX 15 min (ROLL_CACHE_DEFAULTS).
   * Configurable through RollCacheOptions.keyPrefix (tests and benchmarks only).
   */
  ROLL: 'parchee:roll:',
  /**
   * Egress's sent-MT ledger: `parchee:mt:sent:<MT id>` holding `1` once the whole MT was sent, or
   * `p:<reference>:<parts accepted>:<parts>` while a multipart MT is under way, so a re-read resumes
   * it where it stopped; EX EGRESS_SENT_TTL_SECONDS.
   */
  MT_SENT: 'parchee:mt:sent:',
  /**
   * Concatenation references held per destination: `parchee:mt:concat:<base64url keyed hash of the MSISDN>`
   * (the MT's Kafka key), a hash of `<reference>` = `<held until, epoch ms>:<MT id>`, PEXPIRE
   * EGRESS_CONCAT_REFERENCE_HOLD_MS from the last reference taken (concat-references.ts).
   */
  MT_CONCAT: 'parchee:mt:concat:',
  /**
   * Delivery status of each MT: `parchee:mt:status:<MT id>`, a hash of `part:<n>` = `<final 1|0>:<state>`
   * and the summary `state`, `final`, `delivered`, `parts`, `at`, `errorCode` (mt-status-store.ts), EXPIRE
   * EGRESS_DLR_STATUS_TTL_SECONDS.
   */
  MT_STATUS: 'parchee:mt:status:',
  /**
   * SMSC message id to MT part, for delivery receipts: `parchee:dlr:<operator id>:<canonical message id>`
   * holding the JSON of the submitted part (MT id, operator, part, parts, submittedAt), PX the part's validity period
   * plus EGRESS_DLR_MAP_MARGIN_SECONDS. No hash tag: the readings of one id (hex, decimal) share nothing a tag
   * could be taken from, so the lookup reads them one GET per key.
   */
  DLR: 'parchee:dlr:',
  /**
   * Egress's shared submit pacing per operator (apps/egress redis-pacer.ts): `parchee:tps:{<operator id>}:pace`,
   * a hash of the next free send slot and the current slow-down, PX 2 minutes from its last use. The
   * braces are a Cluster hash tag.
   */
  TPS: 'parchee:tps:',
  /**
   * The USSD service's dialogs (apps/ussd, docs/architecture.md "USSD"). Configurable: USSD_KEY_PREFIX.
   * - `parchee:ussd:session:<base64url keyed hash of operator, transport, session id and MSISDN>`:
   *   `<revision>:<the dialog sealed with AES-256-GCM (a key derived from the pepper), base64>`,
   *   written only by a compare-and-set on the revision, PX USSD_SESSION_TTL_SECONDS;
   * - `parchee:ussd:lang:<base64url keyed hash of the MSISDN>`: `ur` or `en`, the language the
   *   number chose last, PX USSD_LANGUAGE_TTL_DAYS.
   */
  USSD: 'parchee:ussd:',
  /**
   * Budgets of slots shared by replicas (slot-leases.ts), e.g. an operator link's binds:
   * `parchee:lease:{<budget>}:<slot>` holding the owning process's id, PX the lease, and
   * `parchee:lease:{<budget>}:members`, a sorted set of the live owners.
   */
  LEASE: 'parchee:lease:',
} as const;

export type RedisKeyPrefix = (typeof RedisKeys)[keyof typeof RedisKeys];

/** What every Parchee key starts with: a scan for `parchee:*` finds them all, and nothing else is ours. */
export const REDIS_KEY_ROOT = 'parchee:';

/** The parts after the guard's prefix (`RedisKeys.GUARD` or PROTECTION_KEY_PREFIX); formats above. */
export const GuardKeys = {
  STATE: 'state:',
  BLOCK: 'block:',
  OPERATOR: 'operator:',
  REPLIES: 'replies:',
} as const;

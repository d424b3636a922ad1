/** Redis Cluster's hash slots: a key's slot is CRC16 of its hash tag (or of the whole key) mod 16384. */
export const CLUSTER_SLOTS = 16384;

/** CRC16-CCITT (XMODEM: polynomial 0x1021, initial 0), Redis Cluster's key hash, one table lookup per byte. */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ bytes[i]) & 0xff];
  return crc;
}

/**
 * The slot Redis Cluster keeps `key` in (CLUSTER KEYSLOT). When the key holds a `{` followed later
 * by a `}` with at least one byte between, only the bytes between the first `{` and the first `}`
 * after it (the hash tag) are hashed, so keys with the same tag share a slot. Computed here rather
 * than taken from ioredis's own dependency, which Parchee does not declare.
 */
export function keySlot(key: string | Buffer): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const open = bytes.indexOf(0x7b); // {
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1); // }
    if (close > open + 1) return crc16(bytes, open + 1, close) % CLUSTER_SLOTS;
  }
  return crc16(bytes, 0, bytes.length) % CLUSTER_SLOTS;
}

/**
 * The positions of `keys` grouped by slot, each group in the keys' order, the groups in the order
 * of their first key: what a batch must be split by before it goes to a cluster, where one command
 * (MGET, a script) may only touch keys of one slot.
 */
export function groupBySlot(keys: ReadonlyArray<string | Buffer>): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const slot = keySlot(keys[i]);
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  }
  return [...groups.values()];
}

/** How the benchmarks and the soak turn samples into the figures they print. */

/** The value at quantile `q` (0..1) of ascending `sorted`: the element at index floor(q × n); 0 for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** A Prometheus histogram as [upper bound, cumulative count] pairs, ascending, the last +Inf. */
export type Buckets = Array<[number, number]>;

/** Quantile from a Prometheus histogram, linearly interpolated inside its bucket. */
export function histogramQuantile(buckets: Buckets, q: number): number {
  const total = buckets[buckets.length - 1][1];
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** kB as whole MB (MiB), e.g. "133 MB". */
export const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

/** Rows of cells as right-aligned columns two spaces apart; the first row is the header. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n');
}

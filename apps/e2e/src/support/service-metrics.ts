/** What a service exposes on `/metrics` (its port in PORTS). */
async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

/**
 * The value of one counter or gauge series a service exposes on `/metrics` (its port in PORTS),
 * matched by the labels given; 0 when the series does not exist yet (counters start at first use).
 */
export async function metricValue(port: number, name: string, labels: Record<string, string>): Promise<number> {
  const text = await scrape(port);
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (wanted.every((w) => labelText.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** The sum of every series of counter `name` a service exposes whose labels include those given (all `code`s of a dead-letter counter, say). */
export async function metricSum(port: number, name: string, labels: Record<string, string>): Promise<number> {
  const text = await scrape(port);
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (wanted.every((w) => labelText.split(',').includes(w))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * The buckets of histogram `name` as [upper bound, cumulative count] pairs in the order exposed
 * (ascending, +Inf last). Every bucket line of the name is taken: for a histogram with one series.
 */
export async function histogramBuckets(port: number, name: string): Promise<Array<[number, number]>> {
  const text = await scrape(port);
  const buckets: Array<[number, number]> = [];
  for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\d+)`, 'gm'))) {
    buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
  }
  return buckets;
}

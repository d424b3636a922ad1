import { latencyChartSvg, type ChartSeries, type ChartStep } from './latency-chart';

const step = (repliedPerSec: number, p50Ms: number, p99Ms: number, saturated = false): ChartStep => ({
  offeredPerSec: repliedPerSec,
  repliedPerSec,
  p50Ms,
  p95Ms: (p50Ms + p99Ms) / 2,
  p99Ms,
  saturated,
});

const chart = (series: ChartSeries[], subtitle?: string): string => latencyChartSvg(series, { title: 'suite bench', subtitle });

/** Each element's attributes, for every start or empty tag with that name whose class list includes `cls` (if given). */
function elements(svg: string, tag: string, cls?: string): Array<Record<string, string>> {
  const found: Array<Record<string, string>> = [];
  for (const match of svg.matchAll(new RegExp(`<${tag}\\b([^>]*?)/?>`, 'g'))) {
    const attrs = Object.fromEntries([...match[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    if (cls === undefined || (attrs['class'] ?? '').split(' ').includes(cls)) found.push(attrs);
  }
  return found;
}

/** What a `<g class="…">` group holds (the chart's groups are flat, so the first `</g>` ends it). */
function group(svg: string, cls: string): string {
  const found = new RegExp(`<g class="${cls}"[^>]*>([\\s\\S]*?)</g>`).exec(svg);
  if (!found) throw new Error(`no group ${cls}`);
  return found[1];
}

/** The texts of a group of labels. */
function groupTexts(svg: string, cls: string): Array<{ x: number; y: number; text: string }> {
  return [...group(svg, cls).matchAll(/<text x="([^"]+)" y="([^"]+)">([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] }));
}

/** Throws unless every tag closes in order, attributes are quoted and every `&` starts an entity. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let end = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const between = svg.slice(end, m.index);
    if (between.includes('<') || between.includes('>')) throw new Error(`stray markup before ${m[0]}: ${between}`);
    end = m.index + m[0].length;
    if (m[1]) {
      if (stack.pop() !== m[2]) throw new Error(`unbalanced </${m[2]}>`);
    } else if (!m[4]) {
      stack.push(m[2]);
    }
  }
  if (svg.slice(end).trim() !== '') throw new Error('content after the root element');
  if (stack.length) throw new Error(`unclosed ${stack.join(', ')}`);
  if (/&(?!(amp|lt|gt|quot|apos);)/.test(svg)) throw new Error('bare &');
}

const windows: ChartSeries[] = [
  { label: 'window 10', steps: [step(500, 8, 20), step(1000, 12, 40), step(1400, 90, 900, true)] },
  { label: 'window 50', steps: [step(500, 6, 15), step(1000, 9, 30), step(1800, 40, 4000, true)] },
];

describe('latencyChartSvg', () => {
  it('writes a well-formed 900 × 540 SVG document on a white background in sans-serif', () => {
    const svg = chart(windows, 'two windows');

    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(() => assertWellFormed(svg)).not.toThrow();
    expect(elements(svg, 'svg')[0]).toMatchObject({ width: '900', height: '540', 'font-family': 'sans-serif' });
    expect(elements(svg, 'rect')[0]).toMatchObject({ width: '900', height: '540', fill: '#fff' });
  });

  it('the well-formedness check itself rejects unbalanced tags and bare ampersands', () => {
    expect(() => assertWellFormed('<svg><g></svg>')).toThrow();
    expect(() => assertWellFormed('<svg><text>a & b</text></svg>')).toThrow();
    expect(() => assertWellFormed('<svg><text>a < b</text></svg>')).toThrow();
  });

  it('puts a higher latency higher on the chart', () => {
    const svg = chart([{ label: 'w', steps: [step(100, 5, 10), step(200, 50, 100)] }]);
    const [low, high] = elements(svg, 'circle', 'p50');

    expect(Number(high.cy)).toBeLessThan(Number(low.cy));
  });

  it('puts a higher throughput further right', () => {
    const svg = chart([{ label: 'w', steps: [step(100, 5, 10), step(200, 5, 10)] }]);
    const [slow, fast] = elements(svg, 'circle', 'p50');

    expect(Number(fast.cx)).toBeGreaterThan(Number(slow.cx));
  });

  it('spaces latencies on a log scale: 10 → 100 ms is as far as 100 → 1000 ms', () => {
    const svg = chart([{ label: 'w', steps: [step(100, 10, 10), step(200, 100, 100), step(300, 1000, 1000)] }]);
    const [a, b, c] = elements(svg, 'circle', 'p50').map((e) => Number(e.cy));

    expect(a - b).toBeCloseTo(b - c, 0);
    expect(a - b).toBeGreaterThan(50);
  });

  it('labels each decade from a power of ten at or below the lowest latency to one at or above the highest', () => {
    const labels = groupTexts(chart([{ label: 'w', steps: [step(100, 3, 40), step(200, 30, 4000)] }]), 'y-ticks');

    expect(labels.map((l) => l.text)).toEqual(['1 ms', '10 ms', '100 ms', '1 s', '10 s']);
    const ys = labels.map((l) => l.y);
    expect(ys).toEqual([...ys].sort((p, q) => q - p));
  });

  it('never starts the latency axis below 1 ms', () => {
    const labels = groupTexts(chart([{ label: 'w', steps: [step(100, 0.02, 0.5)] }]), 'y-ticks');

    expect(labels[0].text).toBe('1 ms');
  });

  it('starts the latency axis at the decade below the lowest latency, not always at 1 ms', () => {
    const labels = groupTexts(chart([{ label: 'w', steps: [step(100, 150, 600)] }]), 'y-ticks');

    expect(labels.map((l) => l.text)).toEqual(['100 ms', '1 s']);
  });

  it('runs the throughput axis from 0 to a round maximum above the largest replied rate in 5 to 10 round steps', () => {
    for (const largest of [0.6, 7, 100, 1234, 1800, 9999, 47_000]) {
      const ticks = groupTexts(chart([{ label: 'w', steps: [step(largest / 2, 5, 10), step(largest, 6, 12)] }]), 'x-ticks').map((t) => Number(t.text));
      const gap = ticks[1] - ticks[0];
      const mantissa = gap / 10 ** Math.floor(Math.log10(gap) + 1e-9);

      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBeGreaterThan(largest);
      expect(ticks.length - 1).toBeGreaterThanOrEqual(5);
      expect(ticks.length - 1).toBeLessThanOrEqual(10);
      expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9)).toBe(true);
      ticks.slice(1).forEach((t, i) => expect(t - ticks[i]).toBeCloseTo(gap, 9));
    }
  });

  it('places the largest replied rate inside the plot, left of the last gridline', () => {
    const svg = chart([{ label: 'w', steps: [step(1800, 5, 10)] }]);
    const lastGrid = Math.max(...elements(group(svg, 'x-grid'), 'line').map((l) => Number(l.x1)));

    expect(Number(elements(svg, 'circle', 'p50')[0].cx)).toBeLessThan(lastGrid);
  });

  it('draws p50 solid and p99 dashed in the series colour, a different colour for each series', () => {
    const svg = chart(windows);
    const p50 = elements(svg, 'polyline', 'p50');
    const p99 = elements(svg, 'polyline', 'p99');
    const colours = elements(svg, 'g', 'series').map((g) => g.stroke);

    expect(p50).toHaveLength(2);
    expect(p99).toHaveLength(2);
    expect(p50.every((l) => l['stroke-dasharray'] === undefined)).toBe(true);
    expect(p99.every((l) => l['stroke-dasharray'] !== undefined)).toBe(true);
    expect(colours).toHaveLength(2);
    expect(colours[0]).not.toBe(colours[1]);
  });

  it('gives every series a colour even past the palette', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ label: `window ${i}`, steps: [step(100 * (i + 1), 5, 10)] }));
    const colours = elements(chart(many), 'g', 'series').map((g) => g.stroke);

    expect(colours).toHaveLength(8);
    colours.forEach((c) => expect(c).toMatch(/^#[0-9a-f]{6}$/));
    expect(new Set(colours.slice(0, 6)).size).toBe(6);
  });

  it('marks a saturated step with a hollow marker and the others filled with the series colour', () => {
    const svg = chart([{ label: 'w', steps: [step(100, 5, 10), step(120, 500, 2000, true)] }]);
    const colour = elements(svg, 'g', 'series')[0].stroke;
    const [ok, saturated] = elements(svg, 'circle', 'p50');

    expect(ok.fill).toBe(colour);
    expect(saturated.fill).toBe('#fff');
    expect(elements(svg, 'circle', 'saturated')).toHaveLength(2);
  });

  it('draws a marker for both percentiles of every step', () => {
    const svg = chart(windows);

    expect(elements(svg, 'circle', 'p50')).toHaveLength(6);
    expect(elements(svg, 'circle', 'p99')).toHaveLength(6);
  });

  it('lists each series in the legend with a solid p50 and a dashed p99 sample', () => {
    const svg = chart(windows);
    const legend = group(svg, 'legend');

    expect(legend).toContain('>window 10</text>');
    expect(legend).toContain('>window 50</text>');
    expect(elements(legend, 'line', 'p50').every((l) => l['stroke-dasharray'] === undefined)).toBe(true);
    expect(elements(legend, 'line', 'p99').every((l) => l['stroke-dasharray'] !== undefined)).toBe(true);
    expect(elements(legend, 'line', 'p99')).toHaveLength(2);
  });

  it('writes the title, subtitle and axis titles', () => {
    const svg = chart(windows, 'two windows');

    expect(svg).toMatch(/<text class="title"[^>]*>suite bench<\/text>/);
    expect(svg).toMatch(/<text class="subtitle"[^>]*>two windows<\/text>/);
    expect(svg).toMatch(/<text class="x-title"[^>]*>replied MO\/s<\/text>/);
    expect(svg).toMatch(/<text class="y-title"[^>]*>MO sent → last reply part \(ms, log scale\)<\/text>/);
  });

  it('leaves the subtitle out when there is none', () => {
    expect(chart(windows)).not.toContain('class="subtitle"');
  });

  it('escapes a title with < and &', () => {
    const svg = latencyChartSvg([{ label: 'a<b & "c"', steps: [step(100, 5, 10)] }], { title: 'p99 < 1 s & more', subtitle: "it's <fast>" });

    expect(() => assertWellFormed(svg)).not.toThrow();
    expect(svg).toContain('>p99 &lt; 1 s &amp; more</text>');
    expect(svg).toContain('>it&apos;s &lt;fast&gt;</text>');
    expect(svg).toContain('>a&lt;b &amp; &quot;c&quot;</text>');
  });

  it('drops control characters that XML cannot carry', () => {
    const svg = latencyChartSvg([], { title: 'bell\u0007 here' });

    expect(svg).toContain('>bell here</text>');
  });

  it('draws axes and "no data" for an empty series list', () => {
    const svg = chart([]);

    expect(() => assertWellFormed(svg)).not.toThrow();
    expect(svg).toMatch(/<text class="no-data"[^>]*>no data<\/text>/);
    expect(groupTexts(svg, 'y-ticks').length).toBeGreaterThanOrEqual(2);
    expect(groupTexts(svg, 'x-ticks').length).toBeGreaterThanOrEqual(6);
    expect(svg).not.toContain('<polyline');
    expect(svg).not.toContain('<circle');
  });

  it('says "no data" when every series is empty, but still lists them', () => {
    const svg = chart([{ label: 'window 10', steps: [] }]);

    expect(svg).toContain('>no data</text>');
    expect(svg).toContain('>window 10</text>');
  });

  it('does not say "no data" when there is data', () => {
    expect(chart(windows)).not.toContain('no data');
  });

  it('draws a single step as markers without a line', () => {
    const svg = chart([{ label: 'w', steps: [step(250, 7, 30)] }]);

    expect(() => assertWellFormed(svg)).not.toThrow();
    expect(svg).not.toContain('<polyline');
    expect(elements(svg, 'circle', 'marker')).toHaveLength(2);
  });

  it('puts a zero latency on the bottom of the chart', () => {
    const svg = chart([{ label: 'w', steps: [step(100, 0, 0), step(200, 20, 80)] }]);
    const bottom = Math.max(...elements(group(svg, 'y-grid'), 'line').map((l) => Number(l.y1)));
    const [zero] = elements(svg, 'circle', 'p50');

    expect(Number(zero.cy)).toBe(bottom);
  });

  it('never writes NaN or Infinity', () => {
    const inputs: ChartSeries[][] = [
      [],
      [{ label: 'empty', steps: [] }],
      [{ label: 'one', steps: [step(100, 5, 10)] }],
      [{ label: 'zeros', steps: [step(0, 0, 0), step(0, 0, 0, true)] }],
      [{ label: 'garbage', steps: [step(NaN, NaN, Infinity), step(-5, -1, -Infinity), step(Infinity, 3, 9)] }],
    ];
    for (const series of inputs) {
      const svg = chart(series);

      expect(svg).not.toMatch(/NaN|Infinity/);
      expect(() => assertWellFormed(svg)).not.toThrow();
    }
  });

  it('rounds every coordinate to at most one decimal place', () => {
    const svg = chart([{ label: 'w', steps: [step(333.333, 7.777, 77.777), step(1234.567, 12.345, 987.654)] }]);
    const coordinates = [...svg.matchAll(/ (?:x|y|x1|y1|x2|y2|cx|cy)="([^"]+)"/g)].map((m) => m[1]);
    const points = elements(svg, 'polyline').flatMap((p) => p.points.split(/[ ,]/));

    expect(coordinates.length).toBeGreaterThan(20);
    [...coordinates, ...points].forEach((c) => expect(c).toMatch(/^-?\d+(\.\d)?$/));
  });

  it('writes the same bytes for the same input', () => {
    expect(chart(windows, 'again')).toBe(chart(windows, 'again'));
  });
});

/**
 * The suite benchmark's latency-versus-throughput chart as one standalone SVG file: a table of
 * percentiles per offered rate hides where latency turns upward, a curve shows it at a glance, and
 * an SVG string opens in any browser and pastes into a report without a plotting dependency.
 */

/** One offered rate of a sweep and what the suite did with it. */
export interface ChartStep {
  offeredPerSec: number;
  repliedPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** The suite could not keep up with the offered rate (replies fell behind or timed out). */
  saturated: boolean;
}

/** One configuration's sweep, e.g. label "window 10", its steps in the order they were offered. */
export interface ChartSeries {
  label: string;
  steps: ChartStep[];
}

const WIDTH = 900;
const HEIGHT = 540;
// The right margin holds the legend, so it never covers a curve.
const PLOT = { left: 80, right: 710, top: 70, bottom: 470 };
const LEGEND_X = 730;
/** Six colours that stay apart from one another; a sweep rarely compares more configurations than that. */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const GRID = '#e5e5e5';
const MINOR_GRID = '#f3f3f3';
const DASH = '6 4';

/** A coordinate or figure to one decimal place, so the same input always yields the same bytes. */
function num(n: number): string {
  const rounded = Math.round(n * 10) / 10;
  // -0 would print as "0" anyway, but a rounded -0.04 must not print as "-0".
  return rounded === 0 ? '0' : String(rounded);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe in element content and attribute values; control characters are not allowed in XML 1.0 at all. */
function escapeXml(text: string): string {
  const allowed = [...text].filter((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
  });
  return allowed.join('').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A measured figure the chart can place: a benchmark that timed out may report NaN, and nothing is below zero. */
function measured(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

interface XAxis {
  max: number;
  ticks: number[];
}

/** 0 to a round maximum strictly above `largest`, in steps of 1, 2 or 5 × 10^n, 5 to 10 of them. */
function xAxis(largest: number): XAxis {
  const value = largest > 0 ? largest : 1;
  // Ten steps of a tenth of the value's decade are always too many; each next candidate is at most
  // 2.5 times larger, so the first one that fits leaves at least 5 steps.
  for (let exp = Math.floor(Math.log10(value)) - 1; ; exp++) {
    for (const mantissa of [1, 2, 5]) {
      const step = mantissa * 10 ** exp;
      // The epsilon keeps 0.6 / 0.2 (2.9999…) from counting as fewer steps than it is.
      const count = Math.floor(value / step + 1e-9) + 1;
      if (count > 10) continue;
      const decimals = Math.max(0, -exp);
      const ticks = Array.from({ length: count + 1 }, (_, i) => Number((i * step).toFixed(decimals)));
      return { max: ticks[count], ticks };
    }
  }
}

interface YAxis {
  /** Powers of ten of the lowest and highest gridlines, in ms. */
  bottom: number;
  top: number;
}

/** Whole decades around the positive latencies, never below 1 ms: sub-millisecond detail is noise for this suite. */
function yAxis(latencies: number[]): YAxis {
  const positive = latencies.filter((v) => v > 0);
  if (positive.length === 0) return { bottom: 0, top: 1 };
  const min = positive.reduce((a, b) => Math.min(a, b));
  const max = positive.reduce((a, b) => Math.max(a, b));
  // The epsilons keep a value a rounding error off a power of ten on that decade, not the next.
  const bottom = Math.max(0, Math.floor(Math.log10(min) + 1e-9));
  const top = Math.max(bottom + 1, Math.ceil(Math.log10(max) - 1e-9));
  return { bottom, top };
}

/** A decade's label: milliseconds below a second, seconds from there. */
function msLabel(decade: number): string {
  const ms = 10 ** decade;
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}

/** Hover text for a marker, so a reader can get the exact figures behind a point. */
function stepTitle(label: string, step: ChartStep): string {
  const figures = [
    `offered ${num(measured(step.offeredPerSec))}/s`,
    `replied ${num(measured(step.repliedPerSec))}/s`,
    `p50 ${num(measured(step.p50Ms))} ms`,
    `p95 ${num(measured(step.p95Ms))} ms`,
    `p99 ${num(measured(step.p99Ms))} ms`,
  ];
  return escapeXml(`${label}: ${figures.join(', ')}${step.saturated ? ' (saturated)' : ''}`);
}

/** The chart as an SVG document: p50 solid and p99 dashed per series, latency on a log scale against replied MO/s. */
export function latencyChartSvg(series: ChartSeries[], opts: { title: string; subtitle?: string }): string {
  const steps = series.flatMap((s) => s.steps);
  const x = xAxis(steps.reduce((max, s) => Math.max(max, measured(s.repliedPerSec)), 0));
  const y = yAxis(steps.flatMap((s) => [measured(s.p50Ms), measured(s.p99Ms)]));
  const plotWidth = PLOT.right - PLOT.left;
  const plotHeight = PLOT.bottom - PLOT.top;
  const xPx = (replied: number): number => PLOT.left + (measured(replied) / x.max) * plotWidth;
  const yPx = (ms: number): number => {
    // Zero latency has no place on a log scale; the bottom of the chart is the honest "at most this".
    const decade = Math.min(y.top, Math.max(y.bottom, Math.log10(Math.max(measured(ms), 10 ** y.bottom))));
    return PLOT.bottom - ((decade - y.bottom) / (y.top - y.bottom)) * plotHeight;
  };

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text class="title" x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="18" font-weight="bold">${escapeXml(opts.title)}</text>`,
  ];
  if (opts.subtitle) out.push(`<text class="subtitle" x="${WIDTH / 2}" y="48" text-anchor="middle" fill="#555">${escapeXml(opts.subtitle)}</text>`);

  // Unlabelled 2..9 lines inside each decade, so a reader can place a value between powers of ten.
  out.push(`<g class="y-minor-grid" stroke="${MINOR_GRID}">`);
  for (let d = y.bottom; d < y.top; d++) {
    for (let m = 2; m <= 9; m++) {
      const py = num(yPx(m * 10 ** d));
      out.push(`<line x1="${PLOT.left}" y1="${py}" x2="${PLOT.right}" y2="${py}"/>`);
    }
  }
  out.push('</g>');

  out.push(`<g class="y-grid" stroke="${GRID}">`);
  for (let d = y.bottom; d <= y.top; d++) {
    const py = num(yPx(10 ** d));
    out.push(`<line x1="${PLOT.left}" y1="${py}" x2="${PLOT.right}" y2="${py}"/>`);
  }
  out.push('</g>');
  out.push(`<g class="x-grid" stroke="${GRID}">`);
  for (const tick of x.ticks) {
    const px = num(xPx(tick));
    out.push(`<line x1="${px}" y1="${PLOT.top}" x2="${px}" y2="${PLOT.bottom}"/>`);
  }
  out.push('</g>');

  out.push('<g class="y-ticks" text-anchor="end" fill="#333">');
  for (let d = y.bottom; d <= y.top; d++) out.push(`<text x="${PLOT.left - 8}" y="${num(yPx(10 ** d) + 4)}">${msLabel(d)}</text>`);
  out.push('</g>');
  out.push('<g class="x-ticks" text-anchor="middle" fill="#333">');
  for (const tick of x.ticks) out.push(`<text x="${num(xPx(tick))}" y="${PLOT.bottom + 18}">${tick}</text>`);
  out.push('</g>');

  out.push(
    `<g class="axes" stroke="#333"><line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}"/>` +
      `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}"/></g>`,
  );
  out.push(`<text class="x-title" x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 45}" text-anchor="middle">replied MO/s</text>`);
  out.push(
    `<text class="y-title" transform="rotate(-90)" x="${-(PLOT.top + PLOT.bottom) / 2}" y="22" text-anchor="middle">` +
      `${escapeXml('MO sent → last reply part (ms, log scale)')}</text>`,
  );

  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    out.push(`<g class="series" stroke="${colour}">`);
    for (const [percentile, latency, dash] of [
      ['p50', (step: ChartStep) => step.p50Ms, ''],
      ['p99', (step: ChartStep) => step.p99Ms, ` stroke-dasharray="${DASH}"`],
    ] as const) {
      // Steps stay in offered order, not sorted by replied rate: past saturation the replied rate
      // falls back while latency climbs, and that bend is what the chart is for.
      const points = s.steps.map((step) => `${num(xPx(step.repliedPerSec))},${num(yPx(latency(step)))}`);
      if (points.length > 1) out.push(`<polyline class="${percentile}" points="${points.join(' ')}" fill="none" stroke-width="2"${dash}/>`);
      s.steps.forEach((step, k) => {
        const [cx, cy] = points[k].split(',');
        const fill = step.saturated ? '#fff' : colour;
        const kind = step.saturated ? `marker ${percentile} saturated` : `marker ${percentile}`;
        out.push(`<circle class="${kind}" cx="${cx}" cy="${cy}" r="3.5" fill="${fill}" stroke-width="1.5"><title>${stepTitle(s.label, step)}</title></circle>`);
      });
    }
    out.push('</g>');
  });

  if (steps.length === 0) {
    out.push(
      `<text class="no-data" x="${(PLOT.left + PLOT.right) / 2}" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" font-size="16" fill="#888">no data</text>`,
    );
  }

  out.push('<g class="legend">');
  let row = PLOT.top + 10;
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    out.push(`<text class="legend-label" x="${LEGEND_X}" y="${row}" fill="${colour}" font-weight="bold">${escapeXml(s.label)}</text>`);
    const sample = row + 14;
    out.push(`<line class="p50" x1="${LEGEND_X}" y1="${sample}" x2="${LEGEND_X + 28}" y2="${sample}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${LEGEND_X + 32}" y="${sample + 4}">p50</text>`);
    out.push(
      `<line class="p99" x1="${LEGEND_X + 70}" y1="${sample}" x2="${LEGEND_X + 98}" y2="${sample}" stroke="${colour}" stroke-width="2" stroke-dasharray="${DASH}"/>`,
    );
    out.push(`<text x="${LEGEND_X + 102}" y="${sample + 4}">p99</text>`);
    row += 40;
  });
  if (series.length > 0) {
    out.push(`<circle cx="${LEGEND_X + 14}" cy="${row - 4}" r="3.5" fill="#fff" stroke="#333" stroke-width="1.5"/>`);
    out.push(`<text x="${LEGEND_X + 32}" y="${row}">saturated step</text>`);
  }
  out.push('</g>');

  out.push('</svg>');
  return out.join('\n') + '\n';
}

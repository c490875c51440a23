/**
 * A stacked bar chart as inline SVG, drawn on the server: no script, no library, nothing
 * fetched (the CSP allows none). The SVG holds only shapes and stretches to the width of the
 * page; the numbers and times are HTML around it, so text never shrinks on a phone. Each bar
 * has a <title> (a tooltip), and the same numbers are a table under "Show as a table".
 */
import { type Html, html } from '../pages/html.ts';

export interface Series {
  key: string;
  label: string;
  color: string;
}

export interface ChartData {
  id: string;
  title: string;
  /** One map per bucket: series key → count. */
  buckets: readonly Readonly<Record<string, number>>[];
  /** Bucket start times (ISO). */
  starts: readonly string[];
  bucketMs: number;
  series: readonly Series[];
  /** Shown when every bucket is empty. */
  empty: string;
}

const UNIT = 10;
const HEIGHT = 100;

function clock(ms: number, withDate: boolean): string {
  const iso = new Date(ms).toISOString();
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

function span(start: string, bucketMs: number): string {
  const s = Date.parse(start);
  return `${new Date(s).toISOString().slice(0, 16).replace('T', ' ')}–${clock(s + bucketMs, false)} UTC`;
}

function bars(d: ChartData, max: number): Html[] {
  const out: Html[] = [];
  d.buckets.forEach((b, i) => {
    let y = HEIGHT;
    for (const s of d.series) {
      const n = b[s.key] ?? 0;
      if (n === 0) continue;
      const h = (n / max) * (HEIGHT - 4);
      y -= h;
      out.push(
        html`<rect x="${i * UNIT + 1.5}" y="${y.toFixed(2)}" width="${UNIT - 3}" height="${h.toFixed(2)}" fill="${s.color}"><title>${span(d.starts[i]!, d.bucketMs)} · ${s.label}: ${n}</title></rect>`,
      );
    }
  });
  return out;
}

function legend(d: ChartData, totals: Record<string, number>): Html {
  return html`<ul class="legend">${d.series.map(
    (s) =>
      html`<li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false"><rect width="10" height="10" rx="2" fill="${s.color}"/></svg>${s.label} <strong>${totals[s.key] ?? 0}</strong></li>`,
  )}</ul>`;
}

function dataTable(d: ChartData, withDate: boolean): Html {
  return html`<details class="chart-table">
<summary>Show as a table</summary>
<div class="table-scroll">
<table class="list compact">
<caption class="visually-hidden">${d.title} per time interval</caption>
<thead><tr><th scope="col">From (UTC)</th>${d.series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
<tbody>${d.buckets.map(
    (b, i) =>
      html`<tr><th scope="row">${clock(Date.parse(d.starts[i]!), withDate)}</th>${d.series.map((s) => html`<td>${b[s.key] ?? 0}</td>`)}</tr>`,
  )}</tbody>
</table>
</div>
</details>`;
}

export function stackedBarChart(d: ChartData): Html {
  const totals: Record<string, number> = {};
  let max = 0;
  for (const b of d.buckets) {
    let sum = 0;
    for (const s of d.series) {
      sum += b[s.key] ?? 0;
      totals[s.key] = (totals[s.key] ?? 0) + (b[s.key] ?? 0);
    }
    max = Math.max(max, sum);
  }
  const withDate = d.bucketMs >= 6 * 3_600_000;
  const n = d.buckets.length;
  const first = Date.parse(d.starts[0] ?? new Date(0).toISOString());
  const mid = first + Math.floor(n / 2) * d.bucketMs;
  const end = first + n * d.bucketMs;
  const titleId = `${d.id}-title`;
  if (max === 0) {
    return html`<figure class="chart" aria-labelledby="${titleId}">
<figcaption id="${titleId}"><h3>${d.title}</h3></figcaption>
<p class="muted chart-empty">${d.empty}</p>
</figure>`;
  }
  return html`<figure class="chart" aria-labelledby="${titleId}">
<figcaption id="${titleId}"><h3>${d.title}</h3></figcaption>
${legend(d, totals)}
<div class="chart-plot">
<span class="chart-max" aria-hidden="true">${max}</span>
<svg class="chart-svg" viewBox="0 0 ${n * UNIT} ${HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${d.title}: ${d.series.map((s) => `${s.label} ${totals[s.key] ?? 0}`).join(', ')}; highest ${max} per interval">
<line class="grid" x1="0" x2="${n * UNIT}" y1="${HEIGHT / 2}" y2="${HEIGHT / 2}" vector-effect="non-scaling-stroke"/>
<line class="grid" x1="0" x2="${n * UNIT}" y1="4" y2="4" vector-effect="non-scaling-stroke"/>
<line class="axis" x1="0" x2="${n * UNIT}" y1="${HEIGHT}" y2="${HEIGHT}" vector-effect="non-scaling-stroke"/>
${bars(d, max)}
</svg>
<div class="chart-x" aria-hidden="true"><span>${clock(first, withDate)}</span><span>${clock(mid, withDate)}</span><span>${clock(end, withDate)} UTC</span></div>
</div>
${dataTable(d, withDate)}
</figure>`;
}

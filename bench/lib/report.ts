/**
 * The bench's results: ratios measured in the same run, the targets, and the three
 * outputs (JSON, a Markdown table, an SVG bar chart).
 */
import type { LoadResult } from './load.ts';
import { SCENARIOS, type ScenarioId } from './scenarios.ts';

export const CONTENDERS = ['ceiling', 'oidc-provider', 's2s-sqlite', 's2s-postgres'] as const;
export type Contender = (typeof CONTENDERS)[number];

export interface RunRecord extends LoadResult {
  scenario: ScenarioId;
  contender: Contender;
  /** 1-minute load average when the run started. */
  load1: number;
}

export interface Target {
  name: string;
  value: number | null;
  threshold: number;
  met: boolean | null;
}

export function find(runs: RunRecord[], scenario: ScenarioId, contender: Contender): RunRecord | undefined {
  return runs.find((r) => r.scenario === scenario && r.contender === contender);
}

function ratio(a: RunRecord | undefined, b: RunRecord | undefined): number | null {
  if (!a || !b || a.failed > 0 || b.failed > 0 || b.rps === 0) return null;
  return a.rps / b.rps;
}

/** The 10^6-token runs are compared with the empty store measured beside them. */
const EMPTY_OF: Partial<Record<ScenarioId, ScenarioId>> = {
  'big-cc-opaque': 'pair-cc-opaque',
  'big-api-opaque': 'pair-api-opaque',
};
/** Compared with the ceiling of the same work. */
const CEILING_OF: Partial<Record<ScenarioId, ScenarioId>> = {
  'pair-cc-opaque': 'cc-opaque',
  'big-cc-opaque': 'cc-opaque',
  'pair-api-opaque': 'api-opaque',
  'big-api-opaque': 'api-opaque',
};

/** What a run is compared with: the ceiling, oidc-provider, and (10^6 store) the empty store. */
export function ratiosOf(runs: RunRecord[], r: RunRecord) {
  const base = EMPTY_OF[r.scenario];
  return {
    toCeiling:
      r.contender === 'ceiling'
        ? null
        : ratio(r, find(runs, CEILING_OF[r.scenario] ?? r.scenario, 'ceiling')),
    toOidc: r.contender.startsWith('s2s') ? ratio(r, find(runs, r.scenario, 'oidc-provider')) : null,
    toEmptyStore: base ? ratio(r, find(runs, base, r.contender)) : null,
  };
}

export function targets(runs: RunRecord[]): Target[] {
  const out: Target[] = [];
  const add = (name: string, value: number | null, threshold: number) =>
    out.push({ name, value, threshold, met: value === null ? null : value >= threshold });
  for (const c of ['s2s-sqlite', 's2s-postgres'] as const) {
    const r = (s: ScenarioId) => find(runs, s, c);
    add(`${c}: cc JWT ≥ 2× oidc-provider`, ratio(r('cc-jwt'), find(runs, 'cc-jwt', 'oidc-provider')), 2);
    add(`${c}: cc JWT ≥ 85 % of ceiling`, ratio(r('cc-jwt'), find(runs, 'cc-jwt', 'ceiling')), 0.85);
    add(
      `${c}: jwt-bearer ≥ 75 % of ceiling`,
      ratio(r('jwt-bearer'), find(runs, 'jwt-bearer', 'ceiling')),
      0.75,
    );
    add(`${c}: API (JWT) ≥ 85 % of ceiling`, ratio(r('api-jwt'), find(runs, 'api-jwt', 'ceiling')), 0.85);
    add(`${c}: 10^6 tokens, issuance ≥ 90 % of empty`, ratio(r('big-cc-opaque'), r('pair-cc-opaque')), 0.9);
    add(
      `${c}: 10^6 tokens, validation ≥ 90 % of empty`,
      ratio(r('big-api-opaque'), r('pair-api-opaque')),
      0.9,
    );
  }
  add(
    's2s-sqlite: cc opaque ≥ 1.5× oidc-provider opaque',
    ratio(find(runs, 'cc-opaque', 's2s-sqlite'), find(runs, 'cc-opaque', 'oidc-provider')),
    1.5,
  );
  return out;
}

const f0 = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en');
const f2 = (n: number | null | undefined) => (n === null || n === undefined ? '–' : n.toFixed(2));
const pct = (n: number | null) => (n === null ? '–' : `${Math.round(n * 100)} %`);

export function markdown(meta: Record<string, unknown>, runs: RunRecord[]): string {
  const lines = [
    `Bench run ${meta.date} — ${meta.cpu}, ${meta.cpus} CPUs, Node ${meta.node}; ` +
      `servers ${meta.pinning ? 'on CPU 0, load generator on CPU 1 (taskset)' : 'unpinned'}; ` +
      `${meta.connections} connections, ${meta.warmup} s warm-up + ${meta.seconds} s measured per run; ` +
      `load average at start ${meta.loadStart}, at end ${meta.loadEnd}.`,
    '',
    '| scenario | contender | req/s | p50 ms | p99 ms | server CPU µs/req | DB CPU µs/req | vs ceiling | vs oidc-provider | vs empty store | failed | load1 |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of runs) {
    const q = ratiosOf(runs, r);
    lines.push(
      `| ${r.scenario} | ${r.contender} | ${f0(r.rps)} | ${f2(r.p50)} | ${f2(r.p99)} | ${f0(r.cpuUsPerReq)} | ` +
        `${f0(r.dbCpuUsPerReq)} | ${pct(q.toCeiling)} | ${f2(q.toOidc)}${q.toOidc === null ? '' : '×'} | ` +
        `${pct(q.toEmptyStore)} | ${r.failed + r.errors} | ${r.load1.toFixed(1)} |`,
    );
  }
  lines.push('', '| target | measured | needed | |', '|---|---:|---:|---|');
  for (const t of targets(runs)) {
    const fmt = t.threshold < 1.01 ? pct : (n: number | null) => (n === null ? '–' : `${n.toFixed(2)}×`);
    lines.push(
      `| ${t.name} | ${fmt(t.value)} | ${fmt(t.threshold)} | ${t.met === null ? 'not measured' : t.met ? 'met' : 'missed'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const COLOURS: Record<Contender, string> = {
  ceiling: '#9e9e9e',
  'oidc-provider': '#f4a259',
  's2s-sqlite': '#3a86ff',
  's2s-postgres': '#2a9d8f',
};

/** Grouped bars: req/s per scenario and contender. */
export function svg(runs: RunRecord[], title: string): string {
  const scenarios = (Object.keys(SCENARIOS) as ScenarioId[]).filter((s) =>
    runs.some((r) => r.scenario === s),
  );
  const max = Math.max(1, ...runs.map((r) => r.rps));
  const W = 120;
  const H = 260;
  const top = 40;
  const left = 60;
  const bar = W / (CONTENDERS.length + 1);
  const width = left + scenarios.length * W + 20;
  const y = (v: number) => top + H - (v / max) * H;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + H + 110}" font-family="sans-serif" font-size="11">`,
    `<text x="${left}" y="20" font-size="13">${title}</text>`,
    `<line x1="${left}" y1="${top + H}" x2="${width - 10}" y2="${top + H}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`,
      `<line x1="${left}" y1="${y(v)}" x2="${width - 10}" y2="${y(v)}" stroke="#ddd"/>`,
    );
  }
  scenarios.forEach((s, i) => {
    const x0 = left + i * W + bar / 2;
    CONTENDERS.forEach((c, j) => {
      const r = find(runs, s, c);
      if (!r) return;
      const x = x0 + j * bar;
      parts.push(
        `<rect x="${x}" y="${y(r.rps)}" width="${bar - 2}" height="${top + H - y(r.rps)}" fill="${COLOURS[c]}"><title>${c} ${s}: ${Math.round(r.rps)} req/s</title></rect>`,
      );
    });
    parts.push(`<text x="${left + i * W + W / 2}" y="${top + H + 14}" text-anchor="middle">${s}</text>`);
  });
  CONTENDERS.forEach((c, j) => {
    parts.push(
      `<rect x="${left + j * 130}" y="${top + H + 40}" width="12" height="12" fill="${COLOURS[c]}"/>`,
      `<text x="${left + j * 130 + 16}" y="${top + H + 50}">${c}</text>`,
    );
  });
  parts.push(
    `<text x="${left}" y="${top + H + 80}">req/s (higher is better); same run, same machine</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

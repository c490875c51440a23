// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package/file.
// Usage: node bench/profsum.mjs FILE.cpuprofile [top=25]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const area = new Map();
for (const [id, us] of dt) {
  const { callFrame: f } = byId.get(id);
  const url = f.url.replace(/^file:\/\//, '');
  const key = `${f.functionName || '(anonymous)'}  ${url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  const a = m
    ? m[1]
    : url.includes('/packages/')
      ? `ours: ${url.split('/packages/')[1].split('/').slice(0, 3).join('/')}`
      : url
        ? 'node internals'
        : f.functionName;
  area.set(a, (area.get(a) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log(`total sampled ${(total / 1e6).toFixed(2)} s`);
console.log('\n-- by area --');
for (const [k, us] of [...area].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(us), k);
console.log('\n-- by function (self) --');
for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(us), k);

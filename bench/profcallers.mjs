// Who calls a function: the call paths (outermost first) that lead to frames matching a pattern,
// with the self time spent under them. Usage: node bench/profcallers.mjs FILE.cpuprofile 'regex' [depth=8]
import { readFileSync } from 'node:fs';

const [file, pattern, depthArg] = process.argv.slice(2);
const re = new RegExp(pattern);
const depth = Number(depthArg ?? 8);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const name = (n) =>
  `${n.callFrame.functionName || '(anon)'}@${n.callFrame.url.split('/').slice(-1)[0]}:${n.callFrame.lineNumber + 1}`;
const subtotal = (id) =>
  (self.get(id) ?? 0) + (byId.get(id).children ?? []).reduce((a, c) => a + subtotal(c), 0);
const paths = new Map();
for (const n of prof.nodes) {
  if (!re.test(name(n))) continue;
  const chain = [];
  for (let p = parent.get(n.id); p !== undefined && chain.length < depth; p = parent.get(p))
    chain.unshift(name(byId.get(p)));
  const key = chain.join(' > ');
  paths.set(key, (paths.get(key) ?? 0) + subtotal(n.id));
}
for (const [k, us] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);

// Inclusive time of the frames whose function name matches a pattern (node --cpu-prof output).
// Usage: node bench/proftree.mjs FILE.cpuprofile 'regex' — prints inclusive % per matching frame.
import { readFileSync } from 'node:fs';

const [file, pattern] = process.argv.slice(2);
const re = new RegExp(pattern);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...byId.values()]
  .filter((n) => n.callFrame.functionName === '(idle)')
  .reduce((a, n) => a + (self.get(n.id) ?? 0), 0);
const incl = new Map();
function walk(id, stack) {
  const n = byId.get(id);
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  const fresh = re.test(key) && !stack.has(key);
  let sum = self.get(id) ?? 0;
  if (fresh) stack.add(key);
  for (const c of n.children ?? []) sum += walk(c, stack);
  if (fresh) {
    stack.delete(key);
    incl.set(key, (incl.get(key) ?? 0) + sum);
  }
  return sum;
}
walk(prof.nodes[0].id, new Set());
console.log(`busy ${((total - idle) / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s`);
for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${((100 * us) / (total - idle)).toFixed(1).padStart(5)} % of busy  ${k}`);
}

// Runs every *.test.ts under packages/*/test with node's own test runner (through tsx).
// Usage: npm test [-- <filter substring>]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync('packages')) {
  try {
    find(join('packages', pkg, 'test'), files);
  } catch {
    /* package without tests */
  }
}
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Most test files wait on sockets, child processes and databases rather than the CPU, so a few
// run side by side even on two cores. S2S_TEST_CONCURRENCY=1 runs them one at a time.
const concurrency = Number(process.env.S2S_TEST_CONCURRENCY ?? 3);
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...selected],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test' },
  },
);
process.exit(res.status ?? 1);

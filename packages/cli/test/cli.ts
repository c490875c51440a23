/** Runs the real `s2s` binary as a child process. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const S2S_BIN = fileURLToPath(new URL('../bin/s2s.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [S2S_BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `s2s serve` and resolves once it prints its URL (and the demo, if any). */
export function startServe(
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ child: ChildProcess; url: string; output: () => string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [S2S_BIN, 'serve', ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`s2s serve did not start:\n${out}`));
    }, opts.timeoutMs ?? 20_000);
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
    let started = false;
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m && !started) {
        started = true;
        // The admin token and demo lines follow the URL line at once; give them a moment.
        setTimeout(() => {
          clearTimeout(timer);
          resolve({ child, url: m[1]!, output: () => out, stop });
        }, 300);
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s2s serve exited with ${code}:\n${out}`));
    });
  });
}

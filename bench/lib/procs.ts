/**
 * Server processes for the bench: spawned one at a time, pinned to CPU 0 with taskset when the
 * machine has it and at least two CPUs (the load generator, this process, is on CPU 1), ready
 * once a line matching `ready` appears, stopped by pid (SIGTERM, then SIGKILL after 3 s).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const PINNING = hasTaskset() && availableParallelism() >= 2;

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Moves this process (every thread) to CPU 1: the load generator's core. */
export function pinSelf(): void {
  if (PINNING) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
}

export interface ServerProc {
  name: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

export function startProc(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<ServerProc> {
  const cmd = PINNING ? 'taskset' : process.execPath;
  const argv = PINNING ? ['-c', '0', process.execPath, ...args] : args;
  const child: ChildProcess = spawn(cmd, argv, {
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${out}`));
    };
    child.once('exit', onExit);
    const check = () => {
      if (!ready.test(out)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      resolve({ name, pid: child.pid!, output: () => out, stop });
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
  });
}

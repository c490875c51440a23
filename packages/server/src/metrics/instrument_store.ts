/**
 * The store, timed: every method of every sub-store (`apps.findByClientId`, `replay.consume` …)
 * observes its duration into its own pre-created series, and a few results are counted on
 * the way out — a refused replay key, and the `token` and `refresh_reuse` audit events
 * (token requests by grant type and result, reuse detections). Nothing in the core knows.
 */
import type { AuditEvent } from '../domain/types.ts';
import { isStoreUnavailable } from '../http/unavailable.ts';
import type { Store } from '../store/interfaces.ts';
import type { Metrics } from './metrics.ts';

type Method = (...args: unknown[]) => unknown;

function methodNames(o: object): string[] {
  const names = new Set<string>();
  for (let p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) {
      if (n !== 'constructor' && typeof (o as Record<string, unknown>)[n] === 'function') names.add(n);
    }
  }
  return [...names];
}

/** Getters (`audit.healthy`) read through to the original, live. */
function passGetters(from: object, to: object): void {
  for (let p = from; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const [n, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (d.get && !(n in to)) {
        Object.defineProperty(to, n, { get: () => (from as Record<string, unknown>)[n], enumerable: true });
      }
    }
  }
}

interface Hooks {
  /** Sees the arguments before the call (counted even when the call then fails). */
  before?(args: unknown[]): void;
  after?(result: unknown): void;
}

function timed(target: object, name: string, fn: Method, m: Metrics, hooks: Hooks = {}) {
  const series = m.storeSeries(name);
  const { before, after } = hooks;
  return async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const t0 = performance.now();
    try {
      before?.(args);
      const r = await fn.apply(target, args);
      after?.(r);
      return r;
    } catch (err) {
      m.storeError(isStoreUnavailable(err));
      throw err;
    } finally {
      series.observe((performance.now() - t0) / 1000);
    }
  };
}

/** What to count from a method's result, by `<sub-store>.<method>`. */
function counters(m: Metrics): Record<string, Hooks> {
  return {
    'replay.consume': {
      after: (first) => {
        if (first === false) m.replayRejections.inc();
      },
    },
    'audit.record': {
      before: ([e]) => {
        const event = e as AuditEvent;
        if (event.event === 'token') m.tokenRequest(event.grantType, event.errorCode ?? 'success');
        else if (event.event === 'refresh_reuse') m.refreshReuse.inc();
      },
    },
  };
}

/** A Store whose methods are timed; the original is left untouched. */
export function instrumentStore(store: Store, m: Metrics): Store {
  const count = counters(m);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(store)) {
    if (typeof value === 'function') {
      out[key] = key === 'close' ? value : timed(store, key, value as Method, m);
    } else if (value && typeof value === 'object') {
      const sub: Record<string, unknown> = {};
      for (const name of methodNames(value)) {
        const op = `${key}.${name}`;
        sub[name] = timed(value, op, (value as Record<string, Method>)[name]!, m, count[op]);
      }
      passGetters(value, sub);
      out[key] = sub;
    } else {
      out[key] = value;
    }
  }
  return out as unknown as Store;
}

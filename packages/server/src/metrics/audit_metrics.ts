/**
 * Counters of the audit write-behind buffer (store/audit_write_behind.ts): what was written,
 * in how many batches, how many flushes failed, and how many events were lost. Alert on any
 * increase of `s2s_audit_dropped_events_total` (docs/operations.md).
 */
import type { Registry } from 'prom-client';
import type { AuditSinkCounters } from '../store/audit_write_behind.ts';
import { CounterFamily } from './series.ts';

export function auditCounters(registry: Registry): AuditSinkCounters {
  const counter = (name: string, help: string) => new CounterFamily(name, help, registry).with({});
  const flushed = counter(
    's2s_audit_flushed_events_total',
    'Audit events written by the write-behind buffer',
  );
  const batches = counter('s2s_audit_flush_batches_total', 'Multi-row audit INSERTs written (one per batch)');
  const failures = counter(
    's2s_audit_flush_failures_total',
    'Audit flushes that failed; their events are kept and retried, and tokens are refused meanwhile',
  );
  const dropped = counter(
    's2s_audit_dropped_events_total',
    'Audit events lost: buffer full during a database failure, a row the database refused, or unwritable at close',
  );
  return {
    flushed: (n) => flushed.inc(n),
    batch: () => batches.inc(),
    failure: () => failures.inc(),
    dropped: (n) => dropped.inc(n),
  };
}

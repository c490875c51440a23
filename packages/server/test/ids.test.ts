/** domain/ids.ts: time-ordered ids for recorded tokens (RFC 9562 §5.7). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidv7 } from '../src/domain/ids.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('uuidv7: version 7, variant 10, the milliseconds in the first 48 bits', () => {
  const at = Date.UTC(2026, 10, 29, 20, 0, 0, 123);
  const id = uuidv7(at);
  assert.match(id, V7);
  assert.equal(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16), at);
});

test('uuidv7: ids of later milliseconds sort after earlier ones; same millisecond, still distinct', () => {
  const t0 = Date.UTC(2026, 0, 1);
  const ids = Array.from({ length: 200 }, (_, i) => uuidv7(t0 + i));
  assert.deepEqual([...ids].sort(), ids);
  const same = new Set(Array.from({ length: 10_000 }, () => uuidv7(t0)));
  assert.equal(same.size, 10_000);
});

/**
 * SQLite group commit (store/sqlite_group_commit.ts): writes made in the same event-loop turn
 * share one COMMIT, yet each behaves as if alone — a failing statement fails only its caller,
 * a caller settles only when its row is committed (another connection sees it), and Kysely
 * transactions running meanwhile neither see nor swallow the group's writes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { KeyPrefix, newClientId, newId } from '../src/domain/ids.ts';
import type { AccessTokenRecord } from '../src/domain/types.ts';
import type { Store } from '../src/store/interfaces.ts';
import { openStore } from '../src/store/open.ts';

const T = Date.now();

describe('SQLite group commit', () => {
  let dir: string;
  let file: string;
  let s: Store;
  let appId: string;
  let userId: string;

  const token = (over: Partial<AccessTokenRecord> = {}): AccessTokenRecord => {
    const id = newId(KeyPrefix.user);
    return {
      id,
      tokenHash: `hash-${id}`,
      format: 'opaque',
      appId,
      userId,
      scopes: ['api'],
      grantType: 'client_credentials',
      ext: null,
      issuedAt: T,
      expiresAt: T + 3_600_000,
      revokedAt: null,
      ...over,
    };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 's2s-group-'));
    file = join(dir, 's2s.db');
    s = await openStore(`sqlite:${file}`);
    appId = newId(KeyPrefix.connectedApp);
    userId = newId(KeyPrefix.user);
    await s.apps.create(
      {
        id: appId,
        clientId: newClientId(),
        name: 'group',
        scopes: ['api'],
        callbackUrls: [],
        policies: {
          permittedUsers: 'all_users',
          clientCredentials: { enabled: false, runAs: null },
          accessToken: { format: 'opaque', ttlSeconds: 60 },
          refreshToken: { policy: 'until_revoked', seconds: null, rotate: true },
          assertion: { maxLifetimeSeconds: 300 },
        },
        createdAt: T,
        updatedAt: T,
      },
      [],
      [],
    );
    await s.users.create({
      id: userId,
      username: 'group@example.com',
      passwordHash: null,
      email: null,
      firstName: null,
      lastName: null,
      profile: 'Standard User',
      active: true,
      createdAt: T,
      updatedAt: T,
    });
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('50 inserts in one turn, one a duplicate: only the duplicate fails, the 49 others are stored', async () => {
    const first = token();
    await s.accessTokens.insert(first);
    const batch = Array.from({ length: 50 }, (_, i) =>
      i === 17 ? token({ tokenHash: first.tokenHash }) : token(),
    );
    const settled = await Promise.allSettled(batch.map((t) => s.accessTokens.insert(t)));
    assert.deepEqual(
      settled.map((r, i) => (r.status === 'rejected' ? i : -1)).filter((i) => i >= 0),
      [17],
    );
    for (const [i, t] of batch.entries()) {
      assert.equal((await s.accessTokens.findById(t.id)) !== undefined, i !== 17);
    }
  });

  test('a write has been committed when its caller resumes: another connection sees it', async () => {
    const other = new SQLite(file, { readonly: true });
    try {
      const batch = Array.from({ length: 20 }, () => token());
      await Promise.all(
        batch.map(async (t) => {
          await s.accessTokens.insert(t);
          assert.ok(
            other.prepare('select 1 from access_tokens where id = ?').get(t.id),
            'visible to another connection',
          );
        }),
      );
    } finally {
      other.close();
    }
  });

  test('transactions and grouped writes interleave without losing or leaking anything', async () => {
    const family = (id: string, hash: string) =>
      s.refreshTokens.createFamily(
        {
          id,
          appId,
          userId,
          approvalId: null,
          scopes: ['api'],
          createdAt: T,
          expiresAt: null,
          revokedAt: null,
        },
        {
          hash,
          familyId: id,
          parentHash: null,
          issuedAt: T,
          lastUsedAt: null,
          retiredAt: null,
          successorHash: null,
          graceSealed: null,
          graceUntil: null,
        },
      );
    const taken = newId(KeyPrefix.user);
    await family(taken, `rt-${taken}`);
    const families = Array.from({ length: 10 }, () => newId(KeyPrefix.user));
    const work: Promise<unknown>[] = [];
    for (const [i, id] of families.entries()) {
      work.push(family(id, `rt-${id}`));
      for (let j = 0; j < 5; j++) work.push(s.accessTokens.insert(token({ id: `tx-${i}-${j}` })));
      // A transaction that fails (the family id is taken): nothing of it stays, and the grouped
      // writes made meanwhile do not go down with it.
      work.push(
        family(taken, `dup-${i}`).then(
          () => assert.fail('a second family with the same id'),
          () => undefined,
        ),
      );
    }
    await Promise.all(work);
    for (const [i, id] of families.entries()) {
      assert.ok(await s.refreshTokens.findFamily(id));
      for (let j = 0; j < 5; j++) assert.ok(await s.accessTokens.findById(`tx-${i}-${j}`));
      assert.equal(await s.refreshTokens.findByHash(`dup-${i}`), undefined);
    }
  });
});

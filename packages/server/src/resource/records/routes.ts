/**
 * The records API, registered under the `/services/data` prefix; every route is a
 * metered API call (limits.ts) for a token with the `api` scope, acting as the
 * token's user (the run-as user for client credentials):
 * - `GET  v{n}/sobjects` — describeGlobal
 * - `GET  v{n}/sobjects/{Object}` — the object's basic describe; `POST` creates a record
 * - `GET  v{n}/sobjects/{Object}/describe` — fields and their types
 * - `GET|PATCH|DELETE v{n}/sobjects/{Object}/{id}` — one record (`?fields=` on GET)
 * - `GET  v{n}/query?q=`, `v{n}/queryAll?q=` — the SOQL subset (query.ts)
 * All records of the org are visible to every user, as with Salesforce's
 * public read/write sharing. Deletes are final (no recycle bin).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { newId } from '../../domain/ids.ts';
import { queryOf } from '../bearer.ts';
import { notFound } from '../errors.ts';
import { versionedCall } from '../limits.ts';
import { sendJson } from '../reply.ts';
import { describeGlobal, describeObject, objectSummary } from './describe.ts';
import { methodNotAllowed, missingQuery, unknownField } from './errors.ts';
import { idOf, recordJson, recordUrl } from './format.ts';
import { fieldNamed, type ObjectDef, objectNamed } from './objects.ts';
import { runQuery } from './query.ts';
import { rowById } from './rows.ts';
import { changesFrom } from './values.ts';

type ObjectParams = { version: string; object: string };
type RecordParams = ObjectParams & { id: string };

function objectOr404(name: string): ObjectDef {
  const def = objectNamed(name);
  if (!def) throw notFound();
  return def;
}

/** A stored (writable) object; the virtual ones answer 405 to writes. */
function writable(def: ObjectDef, method: string): ObjectDef {
  if (def.virtual) throw methodNotAllowed(method, 'GET,HEAD');
  return def;
}

/** `?fields=a,b` of a record GET: those fields, in that order (unknown → 400 INVALID_FIELD). */
function selectedFields(def: ObjectDef, req: FastifyRequest) {
  const list = queryOf(req).get('fields');
  if (!list) return def.fields;
  return list.split(',').map((n) => {
    const f = fieldNamed(def, n.trim());
    if (!f) throw unknownField(n.trim(), def.name);
    return f;
  });
}

export function recordRoutes(ctx: ServerContext) {
  return async (scope: FastifyInstance): Promise<void> => {
    scope.get<{ Params: { version: string } }>('/:version/sobjects', async (req, reply) => {
      const { version } = await versionedCall(ctx, req);
      return sendJson(reply, 200, describeGlobal(version));
    });

    scope.get<{ Params: ObjectParams }>('/:version/sobjects/:object', async (req, reply) => {
      const { version } = await versionedCall(ctx, req);
      const def = objectOr404(req.params.object);
      return sendJson(reply, 200, { objectDescribe: objectSummary(def, version), recentItems: [] });
    });

    scope.get<{ Params: ObjectParams }>('/:version/sobjects/:object/describe', async (req, reply) => {
      const { version } = await versionedCall(ctx, req);
      return sendJson(reply, 200, describeObject(objectOr404(req.params.object), version));
    });

    scope.post<{ Params: ObjectParams }>('/:version/sobjects/:object', async (req, reply) => {
      const { caller, version } = await versionedCall(ctx, req);
      const def = writable(objectOr404(req.params.object), 'POST');
      const fields = changesFrom(def, req.body, 'create');
      const id = newId(def.keyPrefix);
      const at = ctx.now();
      const userId = caller.user.id;
      await ctx.store.records.insert({
        id,
        orgId: ctx.orgId,
        object: def.name,
        fields,
        ownerId: userId,
        createdById: userId,
        lastModifiedById: userId,
        createdAt: at,
        lastModifiedAt: at,
      });
      reply.header('location', recordUrl(def, version, id));
      return sendJson(reply, 201, { id, success: true, errors: [] });
    });

    scope.get<{ Params: RecordParams }>('/:version/sobjects/:object/:id', async (req, reply) => {
      const { version } = await versionedCall(ctx, req);
      const def = objectOr404(req.params.object);
      const id = idOf(def, req.params.id);
      const row = id && (await rowById(ctx, def, id));
      if (!row) throw notFound();
      return sendJson(reply, 200, recordJson(def, row, version, selectedFields(def, req)));
    });

    scope.patch<{ Params: RecordParams }>('/:version/sobjects/:object/:id', async (req, reply) => {
      const { caller } = await versionedCall(ctx, req);
      const def = writable(objectOr404(req.params.object), 'PATCH');
      const id = idOf(def, req.params.id);
      if (!id || !(await ctx.store.records.find(ctx.orgId, def.name, id))) throw notFound();
      const changes = changesFrom(def, req.body, 'update');
      const done = await ctx.store.records.patch(ctx.orgId, def.name, id, changes, {
        userId: caller.user.id,
        at: ctx.now(),
      });
      if (!done) throw notFound();
      return reply.code(204).header('cache-control', 'no-store').send();
    });

    scope.delete<{ Params: RecordParams }>('/:version/sobjects/:object/:id', async (req, reply) => {
      await versionedCall(ctx, req);
      const def = writable(objectOr404(req.params.object), 'DELETE');
      const id = idOf(def, req.params.id);
      if (!id || !(await ctx.store.records.delete(ctx.orgId, def.name, id))) throw notFound();
      return reply.code(204).header('cache-control', 'no-store').send();
    });

    const query = async (req: FastifyRequest<{ Params: { version: string } }>, reply: FastifyReply) => {
      const { version } = await versionedCall(ctx, req);
      const q = queryOf(req).getAll('q');
      if (q.length !== 1 || q[0]!.trim() === '') throw missingQuery();
      return sendJson(reply, 200, await runQuery(ctx, q[0]!, version));
    };
    for (const path of ['query', 'queryAll']) {
      scope.get(`/:version/${path}`, query);
      scope.get(`/:version/${path}/`, query);
    }
  };
}

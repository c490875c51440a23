/** /admin/v1/users — parse, call services/user_admin.ts, serialise. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import {
  createUserView,
  deleteUser,
  getUserView,
  listUserViews,
  updateUserView,
} from '../../services/user_admin.ts';

type ById = { Params: { idOrUsername: string } };

export function userRoutes(admin: FastifyInstance, ctx: ServerContext): void {
  admin.post('/users', async (req, reply) => {
    const user = await createUserView(ctx, req.body);
    return reply.code(201).header('location', `${admin.prefix}/users/${user.id}`).send(user);
  });
  admin.get('/users', async () => listUserViews(ctx));
  admin.get<ById>('/users/:idOrUsername', async (req) => getUserView(ctx, req.params.idOrUsername));
  admin.patch<ById>('/users/:idOrUsername', async (req) =>
    updateUserView(ctx, req.params.idOrUsername, req.body),
  );
  admin.delete<ById>('/users/:idOrUsername', async (req, reply) => {
    await deleteUser(ctx, req.params.idOrUsername);
    return reply.code(204).send();
  });
}

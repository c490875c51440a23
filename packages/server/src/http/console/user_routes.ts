/**
 * Users: list, create, activate/deactivate, reset password, approvals with revoke — each a
 * call of the admin API (PATCH for status and password, DELETE /approvals/{id}).
 */
import type { FastifyReply } from 'fastify';
import { PageError } from '../../oauth/authorization/errors.ts';
import type { ApprovalView } from '../../services/approvals.ts';
import type { UserView } from '../../services/user_admin.ts';
import { html } from '../pages/html.ts';
import { sendRedirect } from '../pages/respond.ts';
import { seg, sentence } from './api.ts';
import { type FormErrors, formErrors, NO_ERRORS } from './api_errors.ts';
import { param } from './app_data.ts';
import { destructiveRoute } from './destructive.ts';
import type { FormFields } from './form.ts';
import { type ConsoleCall, type ConsoleRoutes, query } from './handler.ts';
import { sendConsolePage } from './layout.ts';
import { CONSOLE_PATHS, userPath } from './paths.ts';
import { userDetailPage } from './user_detail_page.ts';
import { NEW_USER, newUserPage, type UserFormValues, usersListPage } from './users_pages.ts';

const USER = `${CONSOLE_PATHS.users}/:userId`;
const userApi = (id: string) => `/users/${seg(id)}`;

const DONE: Record<string, string> = {
  created: 'User created.',
  deactivated: 'User deactivated.',
  activated: 'User activated.',
  password: 'Password set.',
  revoked: 'Approval revoked; the app’s tokens for this user were revoked too.',
};

function values(f: FormFields): UserFormValues {
  return {
    username: f.one('username') ?? '',
    email: f.one('email') ?? '',
    firstName: f.one('firstName') ?? '',
    lastName: f.one('lastName') ?? '',
    profile: f.one('profile') ?? '',
    active: f.one('active') !== undefined,
  };
}

async function sendUser(
  reply: FastifyReply,
  c: ConsoleCall,
  id: string,
  extra: { notice?: string; passwordErrors?: FormErrors } = {},
  status = 200,
): Promise<FastifyReply> {
  const user = await c.api.get<UserView>(userApi(id));
  const approvals = await c.api.get<ApprovalView[]>(`/approvals?username=${seg(user.username)}`);
  return sendConsolePage(
    reply,
    userDetailPage({ chrome: c.chrome('users'), user, approvals, ...extra }),
    status,
  );
}

export function userRoutes(r: ConsoleRoutes): void {
  r.page(CONSOLE_PATHS.users, async (req, reply, c) => {
    const users = (await c.api.get<UserView[]>('/users')).sort((a, b) =>
      a.username.localeCompare(b.username),
    );
    const done = query(req).get('done');
    return sendConsolePage(
      reply,
      usersListPage({ chrome: c.chrome('users'), users, notice: done ? DONE[done] : undefined }),
    );
  });

  r.page(CONSOLE_PATHS.newUser, async (_req, reply, c) =>
    sendConsolePage(reply, newUserPage({ chrome: c.chrome('users'), values: NEW_USER, errors: NO_ERRORS })),
  );

  r.action(CONSOLE_PATHS.users, async (_req, reply, c, form) => {
    const v = values(form);
    const password = form.one('password');
    const body = {
      username: v.username,
      ...(password === undefined ? {} : { password }),
      ...(v.email ? { email: v.email } : {}),
      ...(v.firstName ? { firstName: v.firstName } : {}),
      ...(v.lastName ? { lastName: v.lastName } : {}),
      ...(v.profile ? { profile: v.profile } : {}),
      active: v.active,
    };
    const res = await c.api.call<UserView>('POST', '/users', body);
    if (res.ok) return sendRedirect(reply, `${userPath(res.body.id)}?done=created`, 303);
    const errors = formErrors(res.error, {
      fields: ['username', 'password', 'email', 'firstName', 'lastName', 'profile', 'active'],
    });
    return sendConsolePage(
      reply,
      newUserPage({ chrome: c.chrome('users'), values: v, errors }),
      res.error.status,
    );
  });

  r.page(USER, async (req, reply, c) => {
    const done = query(req).get('done');
    return sendUser(reply, c, param(req, 'userId'), { notice: done ? DONE[done] : undefined });
  });

  r.action(`${USER}/activate`, async (req, reply, c) => {
    const id = param(req, 'userId');
    const res = await c.api.call('PATCH', userApi(id), { active: true });
    if (!res.ok) throw new PageError('Not done', sentence(res.error.description), res.error.status);
    return sendRedirect(reply, `${userPath(id)}?done=activated`, 303);
  });

  r.action(`${USER}/password`, async (req, reply, c, form) => {
    const id = param(req, 'userId');
    // An empty field is sent as is: the API's length rule answers it.
    const res = await c.api.call('PATCH', userApi(id), { password: form.one('password') ?? '' });
    if (res.ok) return sendRedirect(reply, `${userPath(id)}?done=password`, 303);
    if (res.error.status === 404) throw new PageError('Not found', 'There is no such user.', 404);
    const passwordErrors = formErrors(res.error, { fields: ['password'] });
    return sendUser(reply, c, id, { passwordErrors }, res.error.status);
  });

  destructiveRoute(r, {
    path: `${USER}/deactivate`,
    section: 'users',
    load: (req, c) => c.api.get<UserView>(userApi(param(req, 'userId'))),
    describe: (u) => ({
      title: `Deactivate ${u.username}?`,
      consequences: html`<strong>${u.username}</strong> will get no new tokens, and the tokens issued to them stop
working at once. You can activate the user again later.`,
      confirmLabel: 'Deactivate user',
      cancelHref: userPath(u.id),
      crumbs: html`<p class="crumbs"><a href="${CONSOLE_PATHS.users}">Users</a> › <a href="${userPath(u.id)}">${u.username}</a></p>`,
    }),
    perform: (u, c) => c.api.call('PATCH', userApi(u.id), { active: false }),
    after: (u) => `${userPath(u.id)}?done=deactivated`,
  });

  destructiveRoute(r, {
    path: `${USER}/approvals/:approvalId/revoke`,
    section: 'users',
    async load(req, c) {
      const user = await c.api.get<UserView>(userApi(param(req, 'userId')));
      const list = await c.api.get<ApprovalView[]>(`/approvals?username=${seg(user.username)}`);
      const approval = list.find((a) => a.id === param(req, 'approvalId'));
      if (!approval) throw new PageError('Not found', 'The user has no such approval.', 404);
      return { user, approval };
    },
    describe: ({ user, approval }) => ({
      title: 'Revoke this approval?',
      consequences: html`<strong>${approval.appName ?? 'The app'}</strong> loses its access as
<strong>${user.username}</strong>: its live tokens for the user are revoked, and it cannot act as them again
until they approve it anew.`,
      confirmLabel: 'Revoke approval',
      cancelHref: `${userPath(user.id)}#approvals`,
      crumbs: html`<p class="crumbs"><a href="${CONSOLE_PATHS.users}">Users</a> › <a href="${userPath(user.id)}">${user.username}</a></p>`,
    }),
    perform: ({ approval }, c) => c.api.call('DELETE', `/approvals/${seg(approval.id)}`),
    after: ({ user }) => `${userPath(user.id)}?done=revoked#approvals`,
  });
}

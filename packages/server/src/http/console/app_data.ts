/** Reads the console's app pages need, all through the admin API. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppView } from '../../services/app_view.ts';
import type { UserView } from '../../services/user_admin.ts';
import { seg } from './api.ts';
import { type AppDetailView, appDetailPage } from './app_detail_page.ts';
import type { ConsoleCall } from './handler.ts';
import { sendConsolePage } from './layout.ts';
import type { PreauthorizationItem } from './preauth_section.ts';

export const appApi = (clientId: string, rest = '') => `/apps/${seg(clientId)}${rest}`;

export function param(req: FastifyRequest, name: string): string {
  return (req.params as Record<string, string>)[name] ?? '';
}

export function listUsers(c: ConsoleCall): Promise<UserView[]> {
  return c.api.get<UserView[]>('/users');
}

/** Fixed notices after a redirect (`?done=`); unknown codes show nothing. */
const DONE: Record<string, string> = {
  updated: 'Settings saved.',
  'cert-added': 'Certificate added.',
  'cert-removed': 'Certificate removed.',
  'secret-removed': 'Secret deleted.',
  'preauth-added': 'Pre-authorization added.',
  'preauth-removed': 'Pre-authorization removed.',
  deleted: 'App deleted.',
};

export function doneNotice(code: string | null): string | undefined {
  return code ? DONE[code] : undefined;
}

/** Renders an app's page, with the state of one of its forms when that form was refused. */
export async function sendAppDetail(
  reply: FastifyReply,
  c: ConsoleCall,
  clientId: string,
  extra: Partial<Omit<AppDetailView, 'chrome' | 'app' | 'preauthorizations' | 'users' | 'now'>> = {},
  status = 200,
): Promise<FastifyReply> {
  const [app, preauthorizations, users] = await Promise.all([
    c.api.get<AppView>(appApi(clientId)),
    c.api.get<PreauthorizationItem[]>(appApi(clientId, '/preauthorizations')),
    listUsers(c),
  ]);
  const page = appDetailPage({
    chrome: c.chrome('apps'),
    app,
    preauthorizations,
    users,
    now: c.now(),
    ...extra,
  });
  return sendConsolePage(reply, page, status);
}

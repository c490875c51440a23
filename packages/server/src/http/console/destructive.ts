/**
 * A destructive action as two routes on one path: GET shows the confirmation page, POST
 * (CSRF-protected, with `confirm=yes` from that page) performs it through the admin API and
 * redirects. A POST without `confirm=yes` gets the confirmation page, never the action.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PageError } from '../../oauth/authorization/errors.ts';
import type { Html } from '../pages/html.ts';
import { sendRedirect } from '../pages/respond.ts';
import { type ApiError, type ApiResult, sentence } from './api.ts';
import { sendConfirm } from './confirm.ts';
import type { ConsoleCall, ConsoleRoutes } from './handler.ts';
import type { Section } from './layout.ts';

export interface Destructive<T> {
  path: string;
  section: Section;
  /** Loads what the action is about (a missing one is a "not found" page). */
  load(req: FastifyRequest, c: ConsoleCall): Promise<T>;
  describe(t: T): {
    title: string;
    consequences: Html | string;
    confirmLabel: string;
    cancelHref: string;
    crumbs?: Html;
  };
  perform(t: T, c: ConsoleCall): Promise<ApiResult<unknown>>;
  /** Where the browser goes once it is done. */
  after(t: T): string;
  /** Shows a refusal of the API (409: the last secret …); by default an error page. */
  refused?(t: T, reply: FastifyReply, c: ConsoleCall, error: ApiError): Promise<FastifyReply>;
}

export function destructiveRoute<T>(r: ConsoleRoutes, d: Destructive<T>): void {
  const confirm = (reply: FastifyReply, c: ConsoleCall, t: T, action: string) =>
    sendConfirm(reply, { chrome: c.chrome(d.section), action, ...d.describe(t) });

  r.page(d.path, async (req, reply, c) => confirm(reply, c, await d.load(req, c), req.url.split('?')[0]!));

  r.action(d.path, async (req, reply, c, form) => {
    const t = await d.load(req, c);
    if (form.one('confirm') !== 'yes') return confirm(reply, c, t, req.url.split('?')[0]!);
    const res = await d.perform(t, c);
    if (res.ok) return sendRedirect(reply, d.after(t), 303);
    if (d.refused && res.error.status !== 404) return d.refused(t, reply, c, res.error);
    const title = res.error.status === 404 ? 'Not found' : 'Not done';
    throw new PageError(title, sentence(res.error.description), res.error.status);
  });
}

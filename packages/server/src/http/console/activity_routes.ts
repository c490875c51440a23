/**
 * GET /console/activity: the filters go to the admin API as they are (GET /audit/summary
 * and GET /audit, since the window's start), so a bad one comes back as the API's 400
 * naming the parameter, shown next to that filter.
 */
import { grants } from '../../oauth/grants/index.ts';
import type { AppView } from '../../services/app_view.ts';
import type { AuditSummary } from '../../services/audit_summary.ts';
import type { UserView } from '../../services/user_admin.ts';
import { type ActivityFilters, type AuditRow, activityPage } from './activity_page.ts';
import { formErrors, NO_ERRORS } from './api_errors.ts';
import { type ConsoleRoutes, query } from './handler.ts';
import { sendConsolePage } from './layout.ts';
import { CONSOLE_PATHS, withQuery } from './paths.ts';

const FILTERS = ['window', 'clientId', 'username', 'grantType', 'result'] as const;

export function activityRoutes(r: ConsoleRoutes): void {
  r.page(CONSOLE_PATHS.activity, async (req, reply, c) => {
    const q = query(req);
    const filters: ActivityFilters = { window: 'day', clientId: '', username: '', grantType: '', result: '' };
    for (const k of FILTERS) filters[k] = (q.get(k) ?? filters[k]).slice(0, 256);
    const [apps, users] = await Promise.all([c.api.get<AppView[]>('/apps'), c.api.get<UserView[]>('/users')]);
    const summary = await c.api.call<AuditSummary>('GET', withQuery('/audit/summary', { ...filters }));
    let errors = NO_ERRORS;
    let events: AuditRow[] = [];
    if (summary.ok) {
      const { window: _, ...rest } = filters;
      const list = await c.api.call<AuditRow[]>(
        'GET',
        withQuery('/audit', { ...rest, since: summary.body.since, limit: '100' }),
      );
      if (list.ok) events = list.body;
      else errors = formErrors(list.error, { fields: [...FILTERS] });
    } else {
      errors = formErrors(summary.error, { fields: [...FILTERS] });
    }
    const page = activityPage({
      chrome: c.chrome('activity'),
      filters,
      errors,
      apps: apps
        .map((a) => ({ clientId: a.clientId, name: a.name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      usernames: users.map((u) => u.username).sort(),
      grantTypes: [...grants.keys()],
      summary: summary.ok ? summary.body : undefined,
      events,
    });
    return sendConsolePage(reply, page, summary.ok ? 200 : summary.error.status);
  });
}

/**
 * The app list, the create and edit forms and an app's page. Create and edit send the
 * form as the admin API's JSON; a refused form comes back with the API's errors next to
 * the fields. The new app's secret is shown in the answer to the create request only.
 */
import type { FastifyReply } from 'fastify';
import { KNOWN_SCOPES } from '../../oauth/scopes.ts';
import type { AppView } from '../../services/app_view.ts';
import { sendRedirect } from '../pages/respond.ts';
import { type FormErrors, formErrors, NO_ERRORS } from './api_errors.ts';
import { appApi, doneNotice, listUsers, param, sendAppDetail } from './app_data.ts';
import { appFormPage } from './app_form_page.ts';
import { type AppFormValues, appBody, defaultValues, F, formValues, viewValues } from './app_form_values.ts';
import { appsListPage, searchApps } from './apps_list_page.ts';
import { type ConsoleCall, type ConsoleRoutes, query } from './handler.ts';
import { sendConsolePage } from './layout.ts';
import { appPath, CONSOLE_PATHS } from './paths.ts';
import { secretPage } from './secret_page.ts';

const FORM_FIELDS = Object.values(F);

/** `scopes[i]` beyond the ticked boxes came from the "Other scopes" field. */
function otherScope(apiField: string, v: AppFormValues): string | undefined {
  const m = /^scopes\[(\d+)\]$/.exec(apiField);
  return m && Number(m[1]) >= v.scopes.length ? F.scopesOther : undefined;
}

async function sendForm(
  reply: FastifyReply,
  c: ConsoleCall,
  values: AppFormValues,
  errors: FormErrors,
  edit?: { clientId: string; name: string },
  status = 200,
): Promise<FastifyReply> {
  const users = await listUsers(c);
  return sendConsolePage(
    reply,
    appFormPage({ chrome: c.chrome('apps'), values, errors, users, edit }),
    status,
  );
}

export function appRoutes(r: ConsoleRoutes): void {
  r.page(CONSOLE_PATHS.apps, async (req, reply, c) => {
    const q = query(req);
    const all = await c.api.get<AppView[]>('/apps');
    const text = (q.get('q') ?? '').slice(0, 200);
    const apps = searchApps(all, text).sort((a, b) => a.name.localeCompare(b.name));
    const page = appsListPage({
      chrome: c.chrome('apps'),
      apps,
      total: all.length,
      q: text,
      now: c.now(),
      notice: doneNotice(q.get('done')),
    });
    return sendConsolePage(reply, page);
  });

  r.page(CONSOLE_PATHS.newApp, async (_req, reply, c) => sendForm(reply, c, defaultValues(), NO_ERRORS));

  r.action(CONSOLE_PATHS.apps, async (_req, reply, c, form) => {
    const values = formValues(form);
    const file = form.one(F.certificateFile);
    const { body, sent, certificateFields } = appBody(values, file, true);
    const res = await c.api.call<AppView & { clientSecret: string }>('POST', '/apps', body);
    if (!res.ok) {
      const errors = formErrors(res.error, {
        fields: FORM_FIELDS,
        sent,
        rename: (f) => {
          const m = /^certificates(?:\[(\d+)\])?$/.exec(f);
          return m ? certificateFields[Number(m[1] ?? 0)] : otherScope(f, values);
        },
      });
      // A browser cannot refill a file input: keep an uploaded certificate as pasted text.
      const keep = file && !values.certificatePem && !errors.fields[F.certificateFile] ? file : undefined;
      const again = keep ? { ...values, certificatePem: keep } : values;
      return sendForm(reply, c, again, errors, undefined, res.error.status);
    }
    const app = res.body;
    const page = secretPage({
      chrome: c.chrome('apps'),
      appName: app.name,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      created: true,
    });
    return sendConsolePage(reply, page, 201);
  });

  r.page(`${CONSOLE_PATHS.apps}/:clientId`, async (req, reply, c) =>
    sendAppDetail(reply, c, param(req, 'clientId'), { notice: doneNotice(query(req).get('done')) }),
  );

  r.page(`${CONSOLE_PATHS.apps}/:clientId/edit`, async (req, reply, c) => {
    const app = await c.api.get<AppView>(appApi(param(req, 'clientId')));
    const edit = { clientId: app.clientId, name: app.name };
    return sendForm(reply, c, viewValues(app, KNOWN_SCOPES), NO_ERRORS, edit);
  });

  r.action(`${CONSOLE_PATHS.apps}/:clientId/edit`, async (req, reply, c, form) => {
    const app = await c.api.get<AppView>(appApi(param(req, 'clientId')));
    const values = formValues(form);
    const { body, sent } = appBody(values, undefined, false);
    const res = await c.api.call<AppView>('PATCH', appApi(app.clientId), body);
    if (!res.ok) {
      const errors = formErrors(res.error, {
        fields: FORM_FIELDS,
        sent,
        rename: (f) => otherScope(f, values),
      });
      const edit = { clientId: app.clientId, name: app.name };
      return sendForm(reply, c, values, errors, edit, res.error.status);
    }
    return sendRedirect(reply, `${appPath(app.clientId)}?done=updated`, 303);
  });
}

/**
 * An app's parts: certificate upload and removal, secret rotation (add, shown once; delete
 * with confirmation; the API keeps the last one), pre-authorizations, and deleting the app.
 */
import { PageError } from '../../oauth/authorization/errors.ts';
import type { AppView } from '../../services/app_view.ts';
import { html } from '../pages/html.ts';
import { sendRedirect } from '../pages/respond.ts';
import { formErrors } from './api_errors.ts';
import { appApi, param, sendAppDetail } from './app_data.ts';
import { destructiveRoute } from './destructive.ts';
import type { ConsoleRoutes } from './handler.ts';
import { sendConsolePage } from './layout.ts';
import { appPath, CONSOLE_PATHS } from './paths.ts';
import type { PreauthorizationItem } from './preauth_section.ts';
import { secretPage } from './secret_page.ts';

const APP = `${CONSOLE_PATHS.apps}/:clientId`;

const crumbs = (a: AppView) =>
  html`<p class="crumbs"><a href="${CONSOLE_PATHS.apps}">Apps</a> › <a href="${appPath(a.clientId)}">${a.name}</a></p>`;

export function appChildRoutes(r: ConsoleRoutes): void {
  r.action(`${APP}/certificates`, async (req, reply, c, form) => {
    const clientId = param(req, 'clientId');
    const file = form.one('certificateFile') ?? '';
    const pasted = form.one('certificatePem') ?? '';
    // Both given: sent together, and the API's "exactly one certificate" says what is wrong.
    const pem = [file, pasted].filter((x) => x.trim()).join('\n');
    const res = await c.api.call('POST', appApi(clientId, '/certificates'), { pem });
    if (res.ok) return sendRedirect(reply, `${appPath(clientId)}?done=cert-added#certificates`, 303);
    if (res.error.status === 404) throw new PageError('Not found', 'There is no such app.', 404);
    const target = file.trim() && !pasted.trim() ? 'certificateFile' : 'certificatePem';
    const errors = formErrors(res.error, { fields: [], rename: (f) => (f === 'pem' ? target : undefined) });
    return sendAppDetail(reply, c, clientId, { certificateForm: { errors, pem: pasted } }, res.error.status);
  });

  destructiveRoute(r, {
    path: `${APP}/certificates/:thumbprint/delete`,
    section: 'apps',
    async load(req, c) {
      const app = await c.api.get<AppView>(appApi(param(req, 'clientId')));
      const cert = app.certificates.find((x) => x.thumbprint === param(req, 'thumbprint'));
      if (!cert) throw new PageError('Not found', 'The app has no such certificate.', 404);
      return { app, cert };
    },
    describe: ({ app, cert }) => ({
      title: 'Remove this certificate?',
      consequences: html`Assertions signed with the key of <strong>${cert.subject}</strong> (thumbprint
<code class="wrap">${cert.thumbprint}</code>) will be refused for <strong>${app.name}</strong> at once.`,
      confirmLabel: 'Remove certificate',
      cancelHref: `${appPath(app.clientId)}#certificates`,
      crumbs: crumbs(app),
    }),
    perform: ({ app, cert }, c) =>
      c.api.call('DELETE', appApi(app.clientId, `/certificates/${encodeURIComponent(cert.thumbprint)}`)),
    after: ({ app }) => `${appPath(app.clientId)}?done=cert-removed#certificates`,
  });

  r.action(`${APP}/secrets`, async (req, reply, c) => {
    const clientId = param(req, 'clientId');
    const app = await c.api.get<AppView>(appApi(clientId));
    const res = await c.api.call<{ clientSecret: string }>('POST', appApi(clientId, '/secrets'));
    if (!res.ok) {
      const secretsError = formErrors(res.error, { fields: [] });
      return sendAppDetail(reply, c, clientId, { secretsError }, res.error.status);
    }
    const page = secretPage({
      chrome: c.chrome('apps'),
      appName: app.name,
      clientId,
      clientSecret: res.body.clientSecret,
      created: false,
    });
    return sendConsolePage(reply, page, 201);
  });

  destructiveRoute(r, {
    path: `${APP}/secrets/:secretId/delete`,
    section: 'apps',
    async load(req, c) {
      const app = await c.api.get<AppView>(appApi(param(req, 'clientId')));
      const secret = app.secrets.find((s) => s.id === param(req, 'secretId'));
      if (!secret) throw new PageError('Not found', 'The app has no such secret.', 404);
      return { app, secret };
    },
    describe: ({ app, secret }) => ({
      title: 'Delete this secret?',
      consequences: html`Clients still using the secret ending <code>${secret.hint}</code> of
<strong>${app.name}</strong> will fail with <code>invalid_client</code> at once.`,
      confirmLabel: 'Delete secret',
      cancelHref: `${appPath(app.clientId)}#secrets`,
      crumbs: crumbs(app),
    }),
    perform: ({ app, secret }, c) =>
      c.api.call('DELETE', appApi(app.clientId, `/secrets/${encodeURIComponent(secret.id)}`)),
    after: ({ app }) => `${appPath(app.clientId)}?done=secret-removed#secrets`,
    refused: ({ app }, reply, c, error) =>
      sendAppDetail(
        reply,
        c,
        app.clientId,
        { secretsError: formErrors(error, { fields: [] }) },
        error.status,
      ),
  });

  r.action(`${APP}/preauthorizations`, async (req, reply, c, form) => {
    const clientId = param(req, 'clientId');
    const kind = form.one('kind') === 'profile' ? 'profile' : 'user';
    const field = kind === 'user' ? 'username' : 'profile';
    const value = form.one(field) ?? '';
    const res = await c.api.call('POST', appApi(clientId, '/preauthorizations'), { [field]: value });
    if (res.ok) return sendRedirect(reply, `${appPath(clientId)}?done=preauth-added#preauthorizations`, 303);
    if (res.error.status === 404) throw new PageError('Not found', 'There is no such app.', 404);
    const errors = formErrors(res.error, { fields: [field] });
    return sendAppDetail(reply, c, clientId, { preauthForm: { kind, value, errors } }, res.error.status);
  });

  destructiveRoute(r, {
    path: `${APP}/preauthorizations/:id/delete`,
    section: 'apps',
    async load(req, c) {
      const clientId = param(req, 'clientId');
      const app = await c.api.get<AppView>(appApi(clientId));
      const list = await c.api.get<PreauthorizationItem[]>(appApi(clientId, '/preauthorizations'));
      const p = list.find((x) => x.id === param(req, 'id'));
      if (!p) throw new PageError('Not found', 'The app has no such pre-authorization.', 404);
      return { app, p };
    },
    describe: ({ app, p }) => ({
      title: 'Remove this pre-authorization?',
      consequences: html`${p.kind === 'user' ? 'The user' : 'Users of the profile'} <strong>${p.value}</strong> will no
longer be pre-authorized for <strong>${app.name}</strong>: their next token requests are refused unless another
pre-authorization covers them.`,
      confirmLabel: 'Remove pre-authorization',
      cancelHref: `${appPath(app.clientId)}#preauthorizations`,
      crumbs: crumbs(app),
    }),
    perform: ({ app, p }, c) =>
      c.api.call('DELETE', appApi(app.clientId, `/preauthorizations/${encodeURIComponent(p.id)}`)),
    after: ({ app }) => `${appPath(app.clientId)}?done=preauth-removed#preauthorizations`,
  });

  destructiveRoute(r, {
    path: `${APP}/delete`,
    section: 'apps',
    load: (req, c) => c.api.get<AppView>(appApi(param(req, 'clientId'))),
    describe: (app) => ({
      title: `Delete ${app.name}?`,
      consequences: html`This deletes <strong>${app.name}</strong> with its secrets, certificates, approvals,
pre-authorizations and tokens. Its clients stop working at once. This cannot be undone.`,
      confirmLabel: 'Delete app',
      cancelHref: appPath(app.clientId),
      crumbs: crumbs(app),
    }),
    perform: (app, c) => c.api.call('DELETE', appApi(app.clientId)),
    after: () => `${CONSOLE_PATHS.apps}?done=deleted`,
  });
}

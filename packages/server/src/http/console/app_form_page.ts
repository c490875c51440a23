/** The create and edit form of a connected app (Salesforce: New Connected App). */
import { KNOWN_SCOPES } from '../../oauth/scopes.ts';
import type { UserView } from '../../services/user_admin.ts';
import { type Html, html } from '../pages/html.ts';
import { scopeLines } from '../pages/scope_words.ts';
import type { FormErrors } from './api_errors.ts';
import { type AppFormValues, F } from './app_form_values.ts';
import {
  checkbox,
  choiceGroup,
  csrfField,
  errorSummary,
  fileField,
  selectField,
  textArea,
  textField,
} from './fields.ts';
import { type Chrome, consoleLayout } from './layout.ts';
import { appPath, CONSOLE_PATHS } from './paths.ts';

export interface AppFormView {
  chrome: Chrome;
  /** Absent: a new app. */
  edit?: { clientId: string; name: string };
  values: AppFormValues;
  errors: FormErrors;
  users: readonly UserView[];
}

/** Field labels, also used by the error summary. */
const LABELS: Record<(typeof F)[keyof typeof F], string> = {
  [F.name]: 'Name',
  [F.scopes]: 'OAuth scopes',
  [F.scopesOther]: 'Other scopes',
  [F.callbackUrls]: 'Callback URLs',
  [F.permittedUsers]: 'Permitted users',
  [F.ccEnabled]: 'Enable the client credentials flow',
  [F.runAs]: 'Run as (client credentials)',
  [F.format]: 'Access token format',
  [F.ttlSeconds]: 'Access token lifetime (seconds)',
  [F.refreshPolicy]: 'Refresh token policy',
  [F.refreshSeconds]: 'Refresh token time (seconds)',
  [F.rotate]: 'Rotate refresh tokens (a new one at each use)',
  [F.maxLifetimeSeconds]: 'Longest assertion lifetime (seconds)',
  [F.certificateFile]: 'Certificate file (PEM)',
  [F.certificatePem]: 'Or paste the certificate',
};

const REFRESH_POLICIES = [
  { value: 'until_revoked', label: 'Valid until revoked' },
  { value: 'immediately', label: 'Expire immediately (no refresh tokens)' },
  { value: 'expire_after', label: 'Expire after the time below' },
  { value: 'expire_if_unused', label: 'Expire if not used for the time below' },
];

const FORMATS = [
  { value: 'opaque', label: 'Opaque (random, stored only as SHA-256)' },
  { value: 'jwt', label: 'JWT (RFC 9068, signed with the server key)' },
];

function runAsOptions(users: readonly UserView[]) {
  return [
    { value: '', label: '— none —' },
    ...users.map((u) => ({
      value: u.username,
      label: `${u.username} (${u.profile}${u.active ? '' : ', inactive'})`,
    })),
  ];
}

function certificateSection(v: AppFormView): Html {
  if (v.edit) return html``;
  const e = v.errors.fields;
  return html`<section class="panel">
<h2>Certificate</h2>
<p class="muted">The public key that verifies the app's JWT bearer assertions (RFC 7523). Optional now: certificates
can be added later on the app's page.</p>
${fileField({ name: F.certificateFile, label: LABELS[F.certificateFile], accept: '.pem,.crt,.cer', error: e[F.certificateFile] })}
${textArea({
  name: F.certificatePem,
  label: LABELS[F.certificatePem],
  hint: 'From -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.',
  value: v.values.certificatePem,
  rows: 5,
  mono: true,
  error: e[F.certificatePem],
})}
</section>`;
}

export function appFormPage(v: AppFormView): Html {
  const e = v.errors.fields;
  const x = v.values;
  const title = v.edit ? `Edit ${v.edit.name}` : 'New connected app';
  const action = v.edit ? appPath(v.edit.clientId, '/edit') : CONSOLE_PATHS.apps;
  const cancel = v.edit ? appPath(v.edit.clientId) : CONSOLE_PATHS.apps;
  return consoleLayout(
    title,
    html`<p class="crumbs"><a href="${CONSOLE_PATHS.apps}">Apps</a>${v.edit ? html` › <a href="${cancel}">${v.edit.name}</a>` : ''}</p>
<h1>${title}</h1>
${errorSummary(e, v.errors.form, undefined, LABELS)}
<form method="post" action="${action}"${v.edit ? '' : html` enctype="multipart/form-data"`} class="app-form">
${csrfField(v.chrome.csrf)}
<section class="panel">
<h2>Basic information</h2>
${textField({ name: F.name, label: LABELS[F.name], value: x.name, required: true, error: e[F.name] })}
${choiceGroup({
  name: F.scopes,
  label: LABELS[F.scopes],
  type: 'checkbox',
  hint: 'What tokens of this app may be granted (RFC 6749 §3.3).',
  options: KNOWN_SCOPES.map((s) => ({ value: s, label: s, hint: scopeLines([s])[0]!.phrase })),
  chosen: x.scopes,
  error: e[F.scopes],
})}
${textField({ name: F.scopesOther, label: LABELS[F.scopesOther], hint: 'The app’s own scopes, separated by spaces.', value: x.scopesOther, error: e[F.scopesOther] })}
${textArea({
  name: F.callbackUrls,
  label: LABELS[F.callbackUrls],
  hint: 'One per line: absolute URLs without a fragment. Needed for the web server flow only.',
  value: x.callbackUrls,
  rows: 3,
  mono: true,
  error: e[F.callbackUrls],
})}
</section>
<section class="panel">
<h2>Who may use it</h2>
${choiceGroup({
  name: F.permittedUsers,
  label: LABELS[F.permittedUsers],
  type: 'radio',
  options: [
    { value: 'all_users', label: 'All users may self-authorize', hint: '(after approving the app)' },
    {
      value: 'admin_approved',
      label: 'Admin approved users are pre-authorized',
      hint: '(by user or profile, on the app’s page)',
    },
  ],
  chosen: [x.permittedUsers],
  error: e[F.permittedUsers],
})}
${checkbox({ name: F.ccEnabled, label: LABELS[F.ccEnabled], checked: x.ccEnabled, error: e[F.ccEnabled] })}
${selectField({
  name: F.runAs,
  label: LABELS[F.runAs],
  hint: 'The user the client credentials flow acts as.',
  options: runAsOptions(v.users),
  value: x.runAs,
  error: e[F.runAs],
})}
</section>
<section class="panel">
<h2>Tokens</h2>
<div class="grid2">
${selectField({ name: F.format, label: LABELS[F.format], options: FORMATS, value: x.format, error: e[F.format] })}
${textField({ name: F.ttlSeconds, label: LABELS[F.ttlSeconds], numeric: true, value: x.ttlSeconds, error: e[F.ttlSeconds] })}
${selectField({ name: F.refreshPolicy, label: LABELS[F.refreshPolicy], options: REFRESH_POLICIES, value: x.refreshPolicy, error: e[F.refreshPolicy] })}
${textField({ name: F.refreshSeconds, label: LABELS[F.refreshSeconds], hint: 'For the two “expire” policies.', numeric: true, value: x.refreshSeconds, error: e[F.refreshSeconds] })}
</div>
${checkbox({ name: F.rotate, label: LABELS[F.rotate], checked: x.rotate, error: e[F.rotate] })}
${textField({ name: F.maxLifetimeSeconds, label: LABELS[F.maxLifetimeSeconds], hint: 'JWT and SAML bearer assertions: exp − iat, or exp − now.', numeric: true, value: x.maxLifetimeSeconds, error: e[F.maxLifetimeSeconds] })}
</section>
${certificateSection(v)}
<div class="actions">
  <a class="button" href="${cancel}">Cancel</a>
  <button type="submit" class="primary">${v.edit ? 'Save changes' : 'Create app'}</button>
</div>
</form>`,
    v.chrome,
  );
}

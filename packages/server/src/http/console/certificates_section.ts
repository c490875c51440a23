/**
 * An app's certificates: subject, SHA-256 thumbprint and validity, with a warning for an
 * expired certificate, one that expires within 30 days, or one not valid yet — and the
 * upload form (a PEM file or pasted text; multipart, so it works without JavaScript).
 */
import type { AppView } from '../../services/app_view.ts';
import { type Html, html } from '../pages/html.ts';
import type { FormErrors } from './api_errors.ts';
import { csrfField, errorSummary, fileField, textArea } from './fields.ts';
import { badge, daysFrom, time } from './format.ts';
import { appPath } from './paths.ts';

export const EXPIRING_DAYS = 30;

type Certificate = AppView['certificates'][number];

export type CertificateState =
  | { kind: 'valid' }
  | { kind: 'expired' }
  | { kind: 'expiring'; days: number }
  | { kind: 'not_yet' };

export function certificateState(c: Certificate, now: number): CertificateState {
  const notBefore = Date.parse(c.notBefore);
  const notAfter = Date.parse(c.notAfter);
  if (c.expired || notAfter < now) return { kind: 'expired' };
  if (notBefore > now) return { kind: 'not_yet' };
  const days = (notAfter - now) / 86_400_000;
  return days <= EXPIRING_DAYS ? { kind: 'expiring', days: Math.floor(days) } : { kind: 'valid' };
}

function warning(c: Certificate, now: number): Html {
  const s = certificateState(c, now);
  const end = Date.parse(c.notAfter);
  if (s.kind === 'expired')
    return html`<p class="cert-warning bad" role="note">${badge('Expired', 'bad')} Expired ${daysFrom(now, end)}: assertions signed with its key are refused. Upload a new certificate.</p>`;
  if (s.kind === 'expiring')
    return html`<p class="cert-warning warn" role="note">${badge('Expires soon', 'warn')} Expires ${daysFrom(now, end)}. Upload its successor before then; both work meanwhile.</p>`;
  if (s.kind === 'not_yet')
    return html`<p class="cert-warning warn" role="note">${badge('Not yet valid', 'warn')} Valid from ${time(c.notBefore)}.</p>`;
  return html``;
}

export interface CertificateForm {
  errors: FormErrors;
  pem: string;
}

export function certificatesSection(
  app: AppView,
  csrf: string,
  now: number,
  form: CertificateForm | undefined,
): Html {
  const list =
    app.certificates.length === 0
      ? html`<p class="muted">No certificates: the JWT bearer flow cannot be used yet.</p>`
      : html`<ul class="cards">
${app.certificates.map(
  (c) => html`<li class="card-item">
  <h3>${c.subject}</h3>
  ${warning(c, now)}
  <dl class="facts">
    <dt>Thumbprint (SHA-256)</dt><dd><code class="wrap">${c.thumbprint}</code></dd>
    <dt>Valid from</dt><dd>${time(c.notBefore)}</dd>
    <dt>Valid until</dt><dd>${time(c.notAfter)}</dd>
    <dt>Added</dt><dd>${time(c.createdAt)}</dd>
  </dl>
  <a class="button danger" href="${appPath(app.clientId, `/certificates/${c.thumbprint}/delete`)}" aria-label="Remove certificate ${c.subject} (${c.thumbprint.slice(0, 12)}…)">Remove</a>
</li>`,
)}
</ul>`;
  const e = form?.errors.fields ?? {};
  return html`<section class="panel" aria-labelledby="h-certs" id="certificates">
<h2 id="h-certs">Certificates</h2>
${list}
<h3>Upload a certificate</h3>
${errorSummary(e, form?.errors.form, 'cert')}
<form method="post" action="${appPath(app.clientId, '/certificates')}" enctype="multipart/form-data">
  ${csrfField(csrf)}
  ${fileField({ name: 'certificateFile', label: 'PEM file', accept: '.pem,.crt,.cer', error: e.certificateFile, form: 'cert' })}
  ${textArea({ name: 'certificatePem', label: 'Or paste the certificate', value: form?.pem, rows: 4, mono: true, error: e.certificatePem, form: 'cert' })}
  <div class="actions"><button type="submit">Upload certificate</button></div>
</form>
</section>`;
}

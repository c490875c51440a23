/**
 * The create/edit app form as values: from a submitted form, from an app view (edit), or
 * the API's defaults (create) — and the JSON body the form stands for. The console converts
 * (text → number when it is one, checkbox → boolean, lines → list) and never validates: a
 * value that is not a number is sent as text, and the API's answer names the field.
 */
import type { AppView } from '../../services/app_view.ts';
import { DEFAULT_POLICIES } from '../../services/apps.ts';
import type { FormFields } from './form.ts';

export interface AppFormValues {
  name: string;
  scopes: string[];
  scopesOther: string;
  callbackUrls: string;
  permittedUsers: string;
  ccEnabled: boolean;
  runAs: string;
  format: string;
  ttlSeconds: string;
  refreshPolicy: string;
  refreshSeconds: string;
  rotate: boolean;
  maxLifetimeSeconds: string;
  certificatePem: string;
}

/** Form field names: the API's paths, so that an error's `field` names its input. */
export const F = {
  name: 'name',
  scopes: 'scopes',
  scopesOther: 'scopesOther',
  callbackUrls: 'callbackUrls',
  permittedUsers: 'permittedUsers',
  ccEnabled: 'clientCredentials.enabled',
  runAs: 'clientCredentials.runAs',
  format: 'accessToken.format',
  ttlSeconds: 'accessToken.ttlSeconds',
  refreshPolicy: 'refreshToken.policy',
  refreshSeconds: 'refreshToken.seconds',
  rotate: 'refreshToken.rotate',
  maxLifetimeSeconds: 'assertion.maxLifetimeSeconds',
  certificateFile: 'certificateFile',
  certificatePem: 'certificatePem',
} as const;

const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

export function defaultValues(): AppFormValues {
  const p = DEFAULT_POLICIES;
  return {
    name: '',
    scopes: ['api'],
    scopesOther: '',
    callbackUrls: '',
    permittedUsers: p.permittedUsers,
    ccEnabled: p.clientCredentials.enabled,
    runAs: p.clientCredentials.runAs ?? '',
    format: p.accessToken.format,
    ttlSeconds: str(p.accessToken.ttlSeconds),
    refreshPolicy: p.refreshToken.policy,
    refreshSeconds: str(p.refreshToken.seconds),
    rotate: p.refreshToken.rotate ?? true,
    maxLifetimeSeconds: str(p.assertion.maxLifetimeSeconds),
    certificatePem: '',
  };
}

export function viewValues(a: AppView, known: readonly string[]): AppFormValues {
  return {
    name: a.name,
    scopes: a.scopes.filter((s) => known.includes(s)),
    scopesOther: a.scopes.filter((s) => !known.includes(s)).join(' '),
    callbackUrls: a.callbackUrls.join('\n'),
    permittedUsers: a.permittedUsers,
    ccEnabled: a.clientCredentials.enabled,
    runAs: a.clientCredentials.runAs ?? '',
    format: a.accessToken.format,
    ttlSeconds: str(a.accessToken.ttlSeconds),
    refreshPolicy: a.refreshToken.policy,
    refreshSeconds: str(a.refreshToken.seconds),
    rotate: a.refreshToken.rotate ?? true,
    maxLifetimeSeconds: str(a.assertion.maxLifetimeSeconds),
    certificatePem: '',
  };
}

export function formValues(f: FormFields): AppFormValues {
  return {
    name: f.one(F.name) ?? '',
    scopes: f.all(F.scopes),
    scopesOther: f.one(F.scopesOther) ?? '',
    callbackUrls: f.one(F.callbackUrls) ?? '',
    permittedUsers: f.one(F.permittedUsers) ?? '',
    ccEnabled: f.one(F.ccEnabled) !== undefined,
    runAs: f.one(F.runAs) ?? '',
    format: f.one(F.format) ?? '',
    ttlSeconds: f.one(F.ttlSeconds) ?? '',
    refreshPolicy: f.one(F.refreshPolicy) ?? '',
    refreshSeconds: f.one(F.refreshSeconds) ?? '',
    rotate: f.one(F.rotate) !== undefined,
    maxLifetimeSeconds: f.one(F.maxLifetimeSeconds) ?? '',
    certificatePem: f.one(F.certificatePem) ?? '',
  };
}

/** A whole number when the text is one; otherwise the text itself, for the API to refuse. */
export function numberOrText(v: string): number | string | undefined {
  const t = v.trim();
  if (t === '') return undefined;
  return /^-?\d{1,15}$/.test(t) ? Number(t) : t;
}

const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export interface AppBody {
  body: Record<string, unknown>;
  /** The lists sent, to quote the entry an indexed error names. */
  sent: Record<string, string[]>;
  /** For each entry of `certificates`, the form field it came from. */
  certificateFields: string[];
}

/** The API body of the form; `certificates` only on create (file first, then the pasted text). */
export function appBody(v: AppFormValues, file: string | undefined, create: boolean): AppBody {
  const scopes = [...v.scopes, ...v.scopesOther.split(/\s+/).filter(Boolean)];
  const callbackUrls = v.callbackUrls
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const certificates: string[] = [];
  const certificateFields: string[] = [];
  const add = (pem: string | undefined, field: string) => {
    if (!create || !pem?.trim()) return;
    certificates.push(pem);
    certificateFields.push(field);
  };
  add(file, F.certificateFile);
  add(v.certificatePem, F.certificatePem);
  const seconds = numberOrText(v.refreshSeconds);
  const body = defined({
    name: v.name,
    scopes,
    callbackUrls,
    ...(certificates.length ? { certificates } : {}),
    permittedUsers: v.permittedUsers || undefined,
    clientCredentials: { enabled: v.ccEnabled, runAs: v.runAs || null },
    accessToken: defined({ format: v.format || undefined, ttlSeconds: numberOrText(v.ttlSeconds) }),
    refreshToken: defined({
      policy: v.refreshPolicy || undefined,
      seconds: seconds ?? null,
      rotate: v.rotate,
    }),
    assertion: defined({ maxLifetimeSeconds: numberOrText(v.maxLifetimeSeconds) }),
  });
  return { body, sent: { scopes, callbackUrls }, certificateFields };
}

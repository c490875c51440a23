/** How an app is printed: its settings, then its certificates and secret hints. */
import type { AdminContext } from './action.ts';
import { fields, json, type Row, table } from './format.ts';

export function certificateTable(certs: Row[]): string {
  return table(certs, [
    ['THUMBPRINT (SHA-256)', 'thumbprint'],
    ['SUBJECT', 'subject'],
    ['NOT AFTER', 'notAfter'],
    ['EXPIRED', 'expired'],
  ]);
}

export function secretTable(secrets: Row[]): string {
  return table(secrets, [
    ['ID', 'id'],
    ['ENDS WITH', 'hint'],
    ['CREATED', 'createdAt'],
  ]);
}

export function showApp(c: AdminContext, a: Row): void {
  if (c.json) {
    c.print(json(a));
    return;
  }
  const cc = a.clientCredentials as Row;
  const at = a.accessToken as Row;
  const rt = a.refreshToken as Row;
  const as = a.assertion as Row;
  const out = [
    fields([
      ['name', a.name],
      ['client id', a.clientId],
      ['id', a.id],
      ['scopes', a.scopes],
      ['callback urls', a.callbackUrls],
      ['permitted users', a.permittedUsers],
      ['client credentials', cc.enabled ? `enabled, run as ${cc.runAs}` : 'disabled'],
      ['access token', `${at.format}, ${at.ttlSeconds}s`],
      ['refresh token', `${rt.policy}${rt.seconds ? ` ${rt.seconds}s` : ''}${rt.rotate ? ', rotated' : ''}`],
      ['assertion max lifetime', `${as.maxLifetimeSeconds}s`],
      ['api daily limit', (a.api as Row | undefined)?.dailyLimit],
      ['created', a.createdAt],
      ['updated', a.updatedAt],
    ]),
    `\ncertificates:\n${certificateTable(a.certificates as Row[])}`,
    `\nsecrets:\n${secretTable(a.secrets as Row[])}`,
  ];
  c.print(out.join(''));
}

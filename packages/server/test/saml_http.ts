/**
 * Helpers for SAML bearer tests over real HTTP: assertions for an app on a
 * running test server (its URL is the issuer and the audience, its token
 * endpoint the Recipient), the token request, and the "refused, and nothing
 * was issued" check every negative test makes.
 */
import assert from 'node:assert/strict';
import { drainTokens, type JwtApp, TOKEN_PATH } from './assertions.ts';
import type { HttpResult, TestServer } from './harness.ts';
import { assertionXml, encode, type Spec, signXmlCrypto, spec } from './saml_fixtures.ts';

export const SAML2_BEARER = 'urn:ietf:params:oauth:grant-type:saml2-bearer';

/** A valid spec for `a` on server `s` at the server's clock; `o` overrides. */
export function specFor(s: TestServer, a: JwtApp, o: Partial<Spec> = {}): Spec {
  const now = s.ctx.now();
  return spec({
    issuer: a.clientId,
    nameId: a.username,
    issueInstant: now,
    notBefore: now,
    notOnOrAfter: now + 120_000,
    scdNotOnOrAfter: now + 120_000,
    recipient: s.url + TOKEN_PATH,
    audiences: [[s.url]],
    ...o,
  });
}

/** The signed XML of a valid assertion for `a`, signed with the app's key by xml-crypto. */
export function signedFor(s: TestServer, a: JwtApp, o: Partial<Spec> = {}): string {
  return signXmlCrypto(assertionXml(specFor(s, a, o)), a.key);
}

/** POST the token request with `assertion` (already encoded) and any extra form parameters. */
export function postAssertion(
  s: TestServer,
  assertion: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return s.form(TOKEN_PATH, { grant_type: SAML2_BEARER, assertion, ...extra }, headers);
}

export const postXml = (s: TestServer, xml: string, extra: Record<string, string> = {}) =>
  postAssertion(s, encode(xml), extra);

/**
 * 400 invalid_grant (or `code`), no access-token row written, and the attempt
 * audited as a failure with the same code and description.
 */
export async function assertRefused(
  s: TestServer,
  r: HttpResult,
  description?: RegExp,
  code = 'invalid_grant',
): Promise<void> {
  assert.equal(r.status, code === 'invalid_client' ? 401 : 400, r.text);
  assert.equal(r.body.error, code, r.text);
  if (description) assert.match(r.body.error_description, description);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.body.access_token, undefined);
  assert.equal(await drainTokens(s), 0, 'no access token was written');
  const [last] = await s.ctx.store.audit.list({ grantType: SAML2_BEARER, limit: 1 });
  assert.ok(last, 'the attempt was audited');
  assert.equal(last.result, 'failure');
  assert.equal(last.errorCode, code);
  assert.equal(last.errorDescription, r.body.error_description);
}

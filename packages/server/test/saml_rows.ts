/**
 * Table-driven runs of the pure SAML verifier (frozen clock, unit-test
 * defaults): each row makes an `assertion` parameter and says what must come of it.
 */
import assert from 'node:assert/strict';
import { OAuthError } from '../src/oauth/errors.ts';
import {
  readUntrustedAssertion,
  type VerifiedSamlAssertion,
  verifySamlAssertion,
} from '../src/oauth/saml/index.ts';
import { FROZEN_NOW, ISSUER, type TestKey, TOKEN_URL } from './assertions.ts';
import { assertionXml, encode, type Spec, signXmlCrypto, spec } from './saml_fixtures.ts';

export interface VerifierKeys {
  a: TestKey;
  other: TestKey;
  ec: TestKey;
}

export type VerifyOptions = Parameters<typeof verifySamlAssertion>[1];

export function defaultOptions(k: VerifierKeys, o: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    certificates: [k.a.certificatePem],
    audiences: [ISSUER, `${ISSUER}/`, TOKEN_URL],
    recipient: TOKEN_URL,
    maxLifetimeSeconds: 300,
    allowSha1: false,
    now: FROZEN_NOW,
    clockSkewSeconds: 60,
    ...o,
  };
}

/** decode → untrusted look → signature → signed copy, as the grant runs it. */
export function verifyParam(param: string, opts: VerifyOptions): VerifiedSamlAssertion {
  return verifySamlAssertion(readUntrustedAssertion(param), opts);
}

/** One table row: how to make the `assertion` parameter, and what must come of it. */
export interface Row {
  name: string;
  make: (k: VerifierKeys) => string;
  opts?: (k: VerifierKeys) => Partial<VerifyOptions>;
  /** The error_description expected (refusals). */
  error?: RegExp;
  /** Checks on the result (acceptances). */
  check?: (v: VerifiedSamlAssertion) => void;
}

export function runRow(row: Row, k: VerifierKeys): void {
  const run = () => verifyParam(row.make(k), defaultOptions(k, row.opts?.(k)));
  if (row.error === undefined) {
    const v = run();
    row.check?.(v);
    return;
  }
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof OAuthError, `expected an OAuthError, got ${String(e)}`);
    assert.equal(e.code, 'invalid_grant');
    assert.equal(e.status, 400);
    assert.match(e.description, row.error!, `description (detail: ${e.detail})`);
    return true;
  });
}

/** A valid assertion (with `o` applied), signed by key a with xml-crypto. */
export const xml = (k: VerifierKeys, o: Partial<Spec> = {}) => signXmlCrypto(assertionXml(spec(o)), k.a);
/** The same, as the `assertion` parameter. */
export const param = (k: VerifierKeys, o: Partial<Spec> = {}) => encode(xml(k, o));
/** Signs, then edits the signed text (what an attacker holding a signed assertion can do). */
export const edited = (k: VerifierKeys, edit: (signed: string) => string, o: Partial<Spec> = {}) =>
  encode(edit(xml(k, o)));
/** Any text as the parameter. */
export const raw = (text: string) => encode(text);

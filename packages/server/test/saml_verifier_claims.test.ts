/**
 * The pure SAML verifier, one row per rule, on what it reads from the signed
 * copy: Subject and bearer confirmation (RFC 7522 §3 items 3, 7), Conditions,
 * audience and validity window (items 2, 6, 11; SAML core §2.5). Clock frozen at
 * FROZEN_NOW, skew 60 s, max lifetime 300 s. Time values, lifetime and statements: saml_verifier_time.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ISSUER, makeKey, FROZEN_NOW as NOW, TOKEN_URL } from './assertions.ts';
import { BEARER, type Spec } from './saml_fixtures.ts';
import { param, type Row, runRow, type VerifierKeys } from './saml_rows.ts';

const S = 1000;
const nameId = (text: string) =>
  `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${text}</saml:NameID>`;
const confirmation = (method: string, data: string) =>
  `<saml:SubjectConfirmation Method="${method}">${data}</saml:SubjectConfirmation>`;
const data = (recipient: string, extra = '') =>
  `<saml:SubjectConfirmationData NotOnOrAfter="${new Date(NOW + 120 * S).toISOString()}" Recipient="${recipient}"${extra}/>`;
const subject = (...parts: string[]) => `<saml:Subject>${parts.join('')}</saml:Subject>`;
/** Only the Conditions window moves; the confirmation keeps the default. */
const window = (notBefore: number | null, notOnOrAfter: number | null, o: Partial<Spec> = {}) => ({
  notBefore,
  notOnOrAfter,
  ...o,
});

const SUBJECT: Row[] = [
  {
    name: 'a valid assertion, read from the signed copy',
    make: (k) => param(k, { id: '_valid1' }),
    check: (v) => {
      assert.equal(v.id, '_valid1');
      assert.equal(v.issuer, '3MVG9test.client_id');
      assert.equal(v.nameId, 'alice@example.com');
      assert.equal(v.nameIdFormat, 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified');
      assert.equal(v.audience, ISSUER);
      assert.equal(v.issuedAt, NOW);
      assert.equal(v.expiresAt, NOW + 120 * S);
      assert.deepEqual(v.attributes, {});
    },
  },
  { name: 'no Subject', make: (k) => param(k, { subjectXml: '' }), error: /Subject is missing/ },
  {
    name: 'two Subjects',
    make: (k) =>
      param(k, { subjectXml: subject(nameId('a'), confirmation(BEARER, data(TOKEN_URL))).repeat(2) }),
    error: /Subject appears more than once/,
  },
  {
    name: 'an EncryptedID instead of a NameID',
    make: (k) => param(k, { nameIdXml: '<saml:EncryptedID></saml:EncryptedID>' }),
    error: /identify the user with a NameID/,
  },
  {
    name: 'a NameID with a child element',
    make: (k) => param(k, { nameIdXml: nameId('alice<saml:X>y</saml:X>') }),
    error: /NameID must contain text only/,
  },
  { name: 'an empty NameID', make: (k) => param(k, { nameIdXml: nameId('') }), error: /NameID is empty/ },
  {
    name: 'a NameID split by CDATA is read whole, never truncated',
    make: (k) => param(k, { nameIdXml: nameId('alice@example.com<![CDATA[.evil.com]]>') }),
    check: (v) => assert.equal(v.nameId, 'alice@example.com.evil.com'),
  },
  {
    name: 'a NameID with escaped characters is read as text',
    make: (k) => param(k, { nameId: 'a&b<c>@example.com' }),
    check: (v) => assert.equal(v.nameId, 'a&b<c>@example.com'),
  },
  {
    name: 'only a holder-of-key confirmation',
    make: (k) => param(k, { method: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' }),
    error: /no bearer SubjectConfirmation/,
  },
  {
    name: 'a bearer confirmation without SubjectConfirmationData',
    make: (k) => param(k, { subjectXml: subject(nameId('alice@example.com'), confirmation(BEARER, '')) }),
    error: /no SubjectConfirmationData/,
  },
  { name: 'no Recipient', make: (k) => param(k, { recipient: null }), error: /Recipient is missing/ },
  {
    name: 'the Recipient of another endpoint',
    make: (k) => param(k, { recipient: `${ISSUER}/services/oauth2/revoke` }),
    error: /Recipient is not this token endpoint/,
  },
  {
    name: 'the Recipient over http://',
    make: (k) => param(k, { recipient: TOKEN_URL.replace('https:', 'http:') }),
    error: /Recipient is not this token endpoint/,
  },
  {
    name: 'the Recipient with a trailing slash',
    make: (k) => param(k, { recipient: `${TOKEN_URL}/` }),
    error: /Recipient is not this token endpoint/,
  },
  {
    name: 'no SubjectConfirmationData NotOnOrAfter',
    make: (k) => param(k, { scdNotOnOrAfter: null }),
    error: /SubjectConfirmationData NotOnOrAfter is missing/,
  },
  {
    name: 'SubjectConfirmationData NotOnOrAfter passed beyond the skew',
    make: (k) => param(k, window(null, null, { issueInstant: NOW - 200 * S, scdNotOnOrAfter: NOW - 61 * S })),
    error: /SubjectConfirmationData NotOnOrAfter has passed/,
  },
  {
    name: 'SubjectConfirmationData NotOnOrAfter passed within the skew',
    make: (k) => param(k, window(null, null, { issueInstant: NOW - 200 * S, scdNotOnOrAfter: NOW - 59 * S })),
  },
  {
    name: 'SubjectConfirmationData NotBefore in the future',
    make: (k) =>
      param(k, {
        subjectXml: subject(
          nameId('alice@example.com'),
          confirmation(BEARER, data(TOKEN_URL, ` NotBefore="${new Date(NOW + 90 * S).toISOString()}"`)),
        ),
      }),
    error: /SubjectConfirmationData NotBefore is in the future/,
  },
  {
    name: 'a second bearer confirmation that is satisfied',
    make: (k) =>
      param(k, {
        subjectXml: subject(
          nameId('alice@example.com'),
          confirmation(BEARER, data('https://elsewhere.example/token')),
          confirmation(BEARER, data(TOKEN_URL)),
        ),
      }),
  },
];

const CONDITIONS: Row[] = [
  { name: 'no Conditions', make: (k) => param(k, { conditionsXml: '' }), error: /Conditions is missing/ },
  {
    name: 'no AudienceRestriction',
    make: (k) => param(k, { audiences: [] }),
    error: /no AudienceRestriction/,
  },
  {
    name: 'the audience of another service',
    make: (k) => param(k, { audiences: [['https://other.example.com']] }),
    error: /audience is invalid/,
  },
  {
    name: 'the audience in another case',
    make: (k) => param(k, { audiences: [[ISSUER.toUpperCase()]] }),
    error: /audience is invalid/,
  },
  {
    name: 'an audience that merely starts with ours',
    make: (k) => param(k, { audiences: [[`${ISSUER}.evil.net`]] }),
    error: /audience is invalid/,
  },
  { name: 'the token endpoint URL as audience', make: (k) => param(k, { audiences: [[TOKEN_URL]] }) },
  {
    name: 'one of several audiences is ours',
    make: (k) => param(k, { audiences: [['https://x.example', ISSUER]] }),
  },
  {
    name: 'two AudienceRestrictions, one of which excludes us (SAML core §2.5.1.4)',
    make: (k) => param(k, { audiences: [[ISSUER], ['https://other.example.com']] }),
    error: /audience is invalid/,
  },
  {
    name: 'an unknown condition (ProxyRestriction)',
    make: (k) =>
      param(k, {
        conditionsXml: `<saml:Conditions><saml:AudienceRestriction><saml:Audience>${ISSUER}</saml:Audience></saml:AudienceRestriction><saml:ProxyRestriction Count="1"></saml:ProxyRestriction></saml:Conditions>`,
      }),
    error: /unsupported condition ProxyRestriction/,
  },
  {
    name: 'OneTimeUse',
    make: (k) =>
      param(k, {
        conditionsXml: `<saml:Conditions><saml:AudienceRestriction><saml:Audience>${ISSUER}</saml:Audience></saml:AudienceRestriction><saml:OneTimeUse></saml:OneTimeUse></saml:Conditions>`,
      }),
  },
  {
    name: 'NotBefore in the future beyond the skew',
    make: (k) => param(k, window(NOW + 61 * S, NOW + 120 * S)),
    error: /not yet valid/,
  },
  {
    name: 'NotBefore in the future within the skew',
    make: (k) => param(k, window(NOW + 59 * S, NOW + 120 * S)),
  },
  {
    name: 'Conditions NotOnOrAfter passed beyond the skew',
    make: (k) => param(k, window(null, NOW - 61 * S, { issueInstant: NOW - 120 * S })),
    error: /expired \(Conditions NotOnOrAfter\)/,
  },
  {
    name: 'Conditions NotOnOrAfter passed within the skew',
    make: (k) => param(k, window(null, NOW - 59 * S, { issueInstant: NOW - 120 * S })),
    check: (v) => assert.equal(v.expiresAt, NOW - 59 * S),
  },
  {
    name: 'NotBefore not before NotOnOrAfter',
    make: (k) => param(k, window(NOW + 10 * S, NOW + 10 * S)),
    error: /NotBefore is not before NotOnOrAfter/,
  },
  {
    name: 'the expiry is the earlier NotOnOrAfter',
    make: (k) => param(k, window(NOW, NOW + 60 * S)),
    check: (v) => assert.equal(v.expiresAt, NOW + 60 * S),
  },
];

describe('SAML verifier: subject and conditions', () => {
  const k = {} as VerifierKeys;
  before(async () => {
    [k.a, k.other, k.ec] = await Promise.all([makeKey('rsa'), makeKey('rsa'), makeKey('ec256')]);
  });

  for (const [group, rows] of [
    ['subject', SUBJECT],
    ['conditions', CONDITIONS],
  ] as const) {
    for (const row of rows) {
      test(`${group}: ${row.error ? 'refuses' : 'accepts'} ${row.name}`, () => runRow(row, k));
    }
  }
});

/**
 * The pure SAML verifier, one row per rule: time values (SAML core §1.3.3),
 * IssueInstant and the app's maximum lifetime (RFC 7522 §3 item 5), and the
 * statements an Assertion may carry, attributes becoming claims (item 9).
 * Clock frozen at FROZEN_NOW, skew 60 s, max lifetime 300 s.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { makeKey, FROZEN_NOW as NOW } from './assertions.ts';
import { param, type Row, runRow, type VerifierKeys } from './saml_rows.ts';

const S = 1000;
/** Only the Conditions window moves; the confirmation keeps the default. */
const window = (notBefore: number | null, notOnOrAfter: number | null, o: Record<string, unknown> = {}) => ({
  notBefore,
  notOnOrAfter,
  ...o,
});

const TIME: Row[] = [
  {
    name: 'no IssueInstant',
    make: (k) => param(k, { issueInstant: null as unknown as number }),
    error: /IssueInstant is missing/,
  },
  {
    name: 'an IssueInstant with a time zone offset',
    make: (k) => param(k, { issueInstant: '2026-01-01T00:00:00+01:00' }),
    error: /IssueInstant is not a UTC xs:dateTime/,
  },
  {
    name: 'an impossible date',
    make: (k) => param(k, { issueInstant: '2026-02-30T00:00:00Z' }),
    error: /UTC xs:dateTime/,
  },
  {
    name: 'an IssueInstant in the future',
    make: (k) => param(k, window(null, null, { issueInstant: NOW + 61 * S, scdNotOnOrAfter: NOW + 120 * S })),
    error: /IssueInstant is in the future/,
  },
  {
    name: 'fractional seconds',
    make: (k) => param(k, { issueInstant: `${new Date(NOW).toISOString().slice(0, 19)}.123456Z` }),
    check: (v) => assert.equal(v.issuedAt, NOW + 123),
  },
  {
    name: 'a lifetime over the app maximum (300 s)',
    make: (k) => param(k, window(NOW, NOW + 301 * S, { scdNotOnOrAfter: NOW + 301 * S })),
    error: /lifetime exceeds 300 seconds/,
  },
  {
    name: 'a lifetime of exactly the app maximum',
    make: (k) => param(k, window(NOW, NOW + 300 * S, { scdNotOnOrAfter: NOW + 300 * S })),
  },
  {
    name: 'a lifetime over a stricter app maximum',
    make: (k) => param(k),
    opts: () => ({ maxLifetimeSeconds: 60 }),
    error: /lifetime exceeds 60 seconds/,
  },
];

const attribute = (name: string, values: string) =>
  `<saml:Attribute Name="${name}">${values}</saml:Attribute>`;
const statement = (...a: string[]) => `<saml:AttributeStatement>${a.join('')}</saml:AttributeStatement>`;
const value = (v: string) => `<saml:AttributeValue>${v}</saml:AttributeValue>`;

const STATEMENTS: Row[] = [
  {
    name: 'attributes: one value gives a string, several an array',
    make: (k) => param(k, { attributes: { department: 'Sales', roles: ['a', 'b'] } }),
    check: (v) => assert.deepEqual(v.attributes, { department: 'Sales', roles: ['a', 'b'] }),
  },
  {
    name: 'an xsi:nil attribute value is null',
    make: (k) =>
      param(k, {
        extraXml: statement(
          attribute(
            'manager',
            '<saml:AttributeValue xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"></saml:AttributeValue>',
          ),
        ),
      }),
    check: (v) => assert.deepEqual(v.attributes, { manager: null }),
  },
  {
    name: 'the same attribute twice',
    make: (k) => param(k, { extraXml: statement(attribute('a', value('1')), attribute('a', value('2'))) }),
    error: /Attribute a appears more than once/,
  },
  {
    name: 'an attribute value with child elements',
    make: (k) => param(k, { extraXml: statement(attribute('a', value('<saml:X>1</saml:X>'))) }),
    error: /must have text values/,
  },
  {
    name: 'an EncryptedAttribute',
    make: (k) => param(k, { extraXml: statement('<saml:EncryptedAttribute></saml:EncryptedAttribute>') }),
    error: /unsupported EncryptedAttribute/,
  },
  {
    name: 'an attribute without a Name',
    make: (k) => param(k, { extraXml: statement(`<saml:Attribute>${value('1')}</saml:Attribute>`) }),
    error: /Attribute Name is missing/,
  },
  {
    name: 'an AuthnStatement',
    make: (k) =>
      param(k, {
        extraXml: `<saml:AuthnStatement AuthnInstant="${new Date(NOW).toISOString()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
      }),
  },
  {
    name: 'Advice',
    make: (k) => param(k, { extraXml: '<saml:Advice></saml:Advice>' }),
    error: /unsupported Advice/,
  },
  {
    name: 'an AuthzDecisionStatement',
    make: (k) => param(k, { extraXml: '<saml:AuthzDecisionStatement></saml:AuthzDecisionStatement>' }),
    error: /unsupported AuthzDecisionStatement/,
  },
  {
    name: 'an element from another namespace',
    make: (k) => param(k, { extraXml: '<x:Extra xmlns:x="urn:x"></x:Extra>' }),
    error: /unsupported Extra/,
  },
];

describe('SAML verifier: time, lifetime, statements', () => {
  const k = {} as VerifierKeys;
  before(async () => {
    [k.a, k.other, k.ec] = await Promise.all([makeKey('rsa'), makeKey('rsa'), makeKey('ec256')]);
  });

  for (const [group, rows] of [
    ['time', TIME],
    ['statements', STATEMENTS],
  ] as const) {
    for (const row of rows) {
      test(`${group}: ${row.error ? 'refuses' : 'accepts'} ${row.name}`, () => runRow(row, k));
    }
  }
});

/**
 * The SAML attack suite over real HTTP on both stores (security catalogue §4):
 * XSW1–XSW8, signature exclusion, re-signing with KeyInfo, comment injection,
 * XXE / entity expansion / DTD, duplicate IDs, two assertions, wrong Recipient /
 * Audience / Issuer, expired and not-yet-valid, replay (also 20 in parallel).
 * The victim and the attacker are both pre-authorized users of the app, so any
 * mistake would issue a token; every attack must get 400 invalid_grant, write
 * no token and be audited as a failure.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { drainTokens, FROZEN_NOW, type JwtApp, jwtApp, makeKey, type TestKey } from './assertions.ts';
import { DB_KINDS, startTestServer, type TestServer } from './harness.ts';
import {
  assertionXml,
  encode,
  find,
  parse,
  removeSignature,
  serialize,
  setNameId,
  signXmlCrypto,
} from './saml_fixtures.ts';
import { assertRefused, postAssertion, postXml, signedFor, specFor } from './saml_http.ts';
import { xswAttacks } from './saml_xsw.ts';

const VICTIM = 'admin@example.com';

for (const kind of DB_KINDS) {
  describe(`saml2-bearer attack suite (${kind})`, () => {
    let s: TestServer;
    let a: JwtApp;
    let b: JwtApp;
    let attackerKey: TestKey;
    before(async () => {
      s = await startTestServer(kind, { now: () => FROZEN_NOW });
      const [ka, kb] = await Promise.all([makeKey('rsa'), makeKey('rsa')]);
      attackerKey = await makeKey('rsa');
      a = await jwtApp(s, ka);
      b = await jwtApp(s, kb);
      for (const username of [VICTIM, `${VICTIM}.evil.com`]) {
        await s.newUser({ username });
        const r = await s.admin('POST', `/admin/v1/apps/${a.clientId}/preauthorizations`, { username });
        assert.equal(r.status, 201, r.text);
      }
    });
    after(() => s.stop());
    beforeEach(() => drainTokens(s));

    const refuse = async (xml: string, why?: RegExp) => assertRefused(s, await postXml(s, xml), why);

    test('control: the attacker’s own signed assertion and one for the victim are accepted', async () => {
      assert.equal((await postXml(s, signedFor(s, a))).status, 200);
      assert.equal((await postXml(s, signedFor(s, a, { nameId: VICTIM }))).status, 200);
      assert.equal(await drainTokens(s), 2);
    });

    for (const name of ['XSW1', 'XSW2', 'XSW3', 'XSW3 (same ID)', 'XSW4', 'XSW5', 'XSW6', 'XSW7', 'XSW8']) {
      test(`${name}`, async () => {
        const attacks = xswAttacks(signedFor(s, a), a.key, VICTIM);
        await refuse(attacks[name]!);
      });
    }

    test('the signed Assertion nested in the evil one’s SubjectConfirmationData (CVE-2025-47949)', async () => {
      await refuse(
        xswAttacks(signedFor(s, a), a.key, VICTIM)['signed Assertion inside SubjectConfirmationData']!,
      );
    });

    test('signature removed and the NameID changed (S1)', async () => {
      const doc = removeSignature(parse(signedFor(s, a)));
      setNameId(doc, VICTIM);
      await refuse(serialize(doc), /not signed/);
    });

    test('re-signed with an attacker key, its certificate in KeyInfo (S2, CVE-2024-32962)', async () => {
      const xml = signXmlCrypto(assertionXml(specFor(s, a, { nameId: VICTIM })), attackerKey, {
        keyInfoCert: attackerKey.certificatePem,
      });
      await refuse(xml, /does not verify with a certificate registered/);
    });

    test('comment injection in the NameID (S3): never the victim, never truncated', async () => {
      const spec = specFor(s, a, { nameId: `${VICTIM}.evil.com` });
      const xml = signXmlCrypto(assertionXml(spec).replace(`${VICTIM}.evil`, `${VICTIM}<!---->.evil`), a.key);
      await refuse(xml, /comments/);
    });

    test('XXE: an external entity in the NameID (S4)', async () => {
      const xml = signedFor(s, a).replace(a.username, '&xxe;');
      await refuse(`<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${xml}`, /DTD or entity/);
    });

    test('entity expansion: billion laughs (S5)', async () => {
      const entities = Array.from({ length: 10 }, (_, i) =>
        i === 0 ? '<!ENTITY l0 "lol">' : `<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`,
      ).join('');
      await refuse(
        `<!DOCTYPE a [${entities}]>${signedFor(s, a).replace(a.username, '&l9;')}`,
        /DTD or entity/,
      );
    });

    test('a harmless DOCTYPE (S6)', async () => {
      await refuse(`<!DOCTYPE Assertion>${signedFor(s, a)}`, /DTD/);
    });

    test('duplicate IDs (S8)', async () => {
      const doc = parse(signedFor(s, a));
      find(doc, 'Subject').setAttribute('ID', doc.getAttribute('ID')!);
      await refuse(serialize(doc), /duplicate IDs/);
    });

    test('two assertions: an unsigned one for the victim beside the signed one (S7)', async () => {
      const evil = assertionXml(specFor(s, a, { nameId: VICTIM }));
      await refuse(
        signedFor(s, a, { extraXml: `<saml:Advice>${evil}</saml:Advice>` }),
        /more than one Assertion/,
      );
    });

    test('wrong Recipient (S14)', async () => {
      await refuse(signedFor(s, a, { recipient: `${s.url}/services/oauth2/revoke` }), /Recipient/);
    });

    test('wrong Audience (S13)', async () => {
      await refuse(signedFor(s, a, { audiences: [['https://login.salesforce.com']] }), /audience is invalid/);
    });

    test('wrong Issuer: another app named, signed with this app’s key (S17)', async () => {
      await refuse(signedFor(s, a, { issuer: b.clientId }), /does not verify with a certificate registered/);
    });

    test('wrong Issuer: no such app', async () => {
      await refuse(signedFor(s, a, { issuer: '3MVG9nobody' }), /Issuer is not the client id/);
    });

    test('expired (S12)', async () => {
      const past = FROZEN_NOW - 10 * 60_000;
      const expired = {
        issueInstant: past,
        notBefore: past,
        notOnOrAfter: past + 120_000,
        scdNotOnOrAfter: past + 120_000,
      };
      await refuse(signedFor(s, a, expired), /expired/);
    });

    test('not yet valid (S12)', async () => {
      const later = {
        notBefore: FROZEN_NOW + 120_000,
        notOnOrAfter: FROZEN_NOW + 240_000,
        scdNotOnOrAfter: FROZEN_NOW + 240_000,
      };
      await refuse(signedFor(s, a, later), /not yet valid/);
    });

    test('replay: the second use is refused (S15)', async () => {
      const assertion = encode(signedFor(s, a));
      assert.equal((await postAssertion(s, assertion)).status, 200);
      assert.equal(await drainTokens(s), 1);
      await assertRefused(s, await postAssertion(s, assertion), /already used/);
    });

    test('replay in parallel: 20 copies, exactly one token', async () => {
      const assertion = encode(signedFor(s, a));
      const results = await Promise.all(Array.from({ length: 20 }, () => postAssertion(s, assertion)));
      const ok = results.filter((r) => r.status === 200);
      assert.equal(ok.length, 1, results.map((r) => r.status).join(' '));
      for (const r of results.filter((x) => x.status !== 200)) {
        assert.equal(r.status, 400);
        assert.equal(r.body.error, 'invalid_grant');
        assert.match(r.body.error_description, /already used/);
      }
      assert.equal(await drainTokens(s), 1);
    });
  });
}

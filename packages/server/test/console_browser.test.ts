// The console in a real browser (Debian chromium through playwright-core), issue #10's walk:
// sign in with the keyboard → create a user → create an app with a certificate file (a
// refused form first: the error sits next to its field) → pre-authorize the user → a real
// JWT bearer grant for that user (and a refused one) → both in the activity view and its
// chart. Every page is checked for what can be automated of accessibility (labels, names,
// contrast, no overflow at 375 px) and photographed at desktop and phone width in
// test-output/screenshots/console-*.png.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { JWT_BEARER, makeKey, signJwt, type TestKey } from './assertions.ts';
import { launchChromium, NO_CHROMIUM, SHOTS } from './browser.ts';
import { accessibilityProblems } from './console_a11y.ts';
import { PASSWORD } from './console_client.ts';
import { startTestServer, type TestServer } from './harness.ts';

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };

describe('browser: the console walk of issue #10', {
  skip: NO_CHROMIUM,
}, () => {
  let s: TestServer;
  let browser: Browser;
  let key: TestKey;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startTestServer('sqlite');
    key = await makeKey('rsa', { notAfter: Date.now() + 365 * 86_400_000 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
  });

  /** Accessibility checks at phone width, then screenshots at desktop and phone width. */
  async function check(page: Page, name: string): Promise<void> {
    await page.setViewportSize(PHONE);
    assert.deepEqual(await accessibilityProblems(page), [], `${name} at ${PHONE.width} px`);
    await page.screenshot({ path: `${SHOTS}console-${name}-phone.png`, fullPage: true });
    await page.setViewportSize(DESKTOP);
    assert.deepEqual(await accessibilityProblems(page), [], `${name} at ${DESKTOP.width} px`);
    await page.screenshot({ path: `${SHOTS}console-${name}-desktop.png`, fullPage: true });
  }

  test('create an app with a certificate, pre-authorize a user, see their JWT bearer grant', {
    timeout: 90_000,
  }, async () => {
    const admin = await s.newUser({ password: PASSWORD, profile: 'System Administrator', firstName: 'Ada' });
    // History for the chart (oldest first, as the server writes it): another app's job, fine all
    // hour, failing for the last few minutes.
    const nightly = await s.newApp({ name: 'Nightly export' });
    const now = Date.now();
    const event = (at: number, error: string | null) =>
      s.ctx.store.audit.record({
        at,
        event: 'token',
        clientId: nightly.app.clientId,
        userId: null,
        username: error ? null : 'integration@example.com',
        grantType: 'client_credentials',
        result: error ? 'failure' : 'success',
        errorCode: error,
        errorDescription: error ? 'invalid client credentials' : null,
        sourceIp: '10.0.4.17',
      });
    for (let min = 58; min >= 11; min -= 3) await event(now - min * 60_000, null);
    for (let i = 9; i >= 1; i--) await event(now - i * 25_000, 'invalid_client');

    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // A refused form is answered with the API's status (400): that load is expected.
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      const type = r.request().resourceType();
      if ((type === 'stylesheet' || type === 'script') && r.status() !== 200)
        problems.push(`${r.url()}: ${r.status()}`);
    });

    // Sign in, with the keyboard only.
    await page.goto(`${s.url}/console`);
    assert.equal(await page.title(), 'Sign in · s2s-oauth console');
    await check(page, 'login');
    await page.focus('#f-user-username');
    await page.keyboard.type(admin.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/apps$/);

    // A user.
    await page.click('nav >> text=Users');
    await page.click('text=New user');
    await page.fill('#f-username', 'integration@example.com');
    await page.fill('#f-firstName', 'Sync');
    await page.fill('#f-lastName', 'Bot');
    await page.fill('#f-profile', 'Integration');
    await page.click('button:has-text("Create user")');
    await page.waitForURL(/\/console\/users\/005/);
    assert.equal(await page.locator('[role=status]').first().textContent(), 'User created.');

    // An app with a certificate file; first with a lifetime the API refuses.
    await page.click('nav >> text=Apps');
    await page.click('text=New app');
    await page.fill('#f-name', 'Billing sync');
    await page.check('#f-scopes-9'); // refresh_token
    await page.check('text=Admin approved users are pre-authorized');
    await page.selectOption('#f-accessToken-format', 'jwt');
    await page.fill('#f-accessToken-ttlSeconds', '5');
    await page.setInputFiles('#f-certificateFile', {
      name: 'billing-sync.crt',
      mimeType: 'application/x-x509-ca-cert',
      buffer: Buffer.from(key.certificatePem),
    });
    await check(page, 'app-new');
    await page.click('button:has-text("Create app")');
    await page.waitForSelector('#f-accessToken-ttlSeconds-error');
    assert.equal(
      await page.textContent('#f-accessToken-ttlSeconds-error'),
      'Must be a whole number from 60 to 86400.',
    );
    assert.equal(await page.getAttribute('#f-accessToken-ttlSeconds', 'aria-invalid'), 'true');
    // The uploaded certificate is kept (a file input cannot be refilled).
    assert.match(await page.inputValue('#f-certificatePem'), /BEGIN CERTIFICATE/);
    await check(page, 'app-new-error');
    // For docs/console.md: the refused field, close up.
    await page.locator('section.panel:has(#f-accessToken-ttlSeconds)').screenshot({
      path: `${SHOTS}console-app-new-error-field-desktop.png`,
    });
    await page.click('.error a'); // the summary links to the field
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-accessToken-ttlSeconds');
    await page.fill('#f-accessToken-ttlSeconds', '900');
    await page.click('button:has-text("Create app")');
    await page.waitForSelector('#client-secret');
    const clientId = await page.inputValue('#client-id');
    const secret = await page.inputValue('#client-secret');
    assert.match(secret, /^[0-9A-F]{64}$/);
    assert.equal(await page.isVisible('button[data-copy=client-secret]'), true, 'the script shows Copy');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
    await page.click('button[data-copy=client-secret]');
    await page.waitForSelector('text=Copied to the clipboard.');
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), secret);
    await check(page, 'app-created');

    // Pre-authorize the user.
    await page.click('text=Go to the app');
    assert.match((await page.textContent('#certificates')) ?? '', /CN=test rsa/);
    await page.selectOption('#f-pa-user-username', 'integration@example.com');
    await page.click('button:has-text("Add user")');
    await page.waitForURL(/done=preauth-added/);
    assert.match((await page.textContent('#preauthorizations')) ?? '', /integration@example\.com/);
    await check(page, 'app');

    // A JWT bearer grant for that user (RFC 7523), and one for a user who is not pre-authorized.
    const jwt = (sub: string) => {
      const now = Math.floor(Date.now() / 1000);
      return signJwt({ iss: clientId, sub, aud: s.url, iat: now, exp: now + 120, jti: randomUUID() }, key);
    };
    const ok = await s.form('/services/oauth2/token', {
      grant_type: JWT_BEARER,
      assertion: jwt('integration@example.com'),
    });
    assert.equal(ok.status, 200, ok.text);
    const refused = await s.form('/services/oauth2/token', {
      grant_type: JWT_BEARER,
      assertion: jwt(admin.username),
    });
    assert.equal(refused.status, 400, refused.text);

    // Activity: the failing job raises the alarm; the grant is in the table and in the chart.
    await page.click('nav >> text=Activity');
    await page.selectOption('#f-flt-window', 'hour');
    await page.click('button:has-text("Show")');
    await page.waitForURL(/window=hour/);
    assert.match((await page.textContent('[role=alert]')) ?? '', /Failures outnumber successes/);
    await check(page, 'activity');
    // For docs/console.md: the top of the page, and the charts at phone width.
    await page.screenshot({ path: `${SHOTS}console-activity-top-desktop.png` });
    await page.setViewportSize(PHONE);
    await page.locator('.charts').screenshot({ path: `${SHOTS}console-activity-charts-phone.png` });
    await page.setViewportSize(DESKTOP);
    await page.selectOption('#f-flt-clientId', clientId);
    await page.click('button:has-text("Show")');
    await page.waitForURL(/clientId=/);
    const rows = await page.locator('table.events tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[1]!, /success[\s\S]*JWT bearer[\s\S]*integration@example\.com[\s\S]*Billing sync/);
    assert.match(rows[0]!, /failure[\s\S]*JWT bearer[\s\S]*invalid_app_access/);
    assert.match((await page.textContent('#chart-grants-title + .legend')) ?? '', /JWT bearer\s*1/);
    assert.equal(await page.locator('#chart-grants-title ~ .chart-plot rect').count(), 1);
    assert.equal(await page.locator('#chart-failures-title ~ .chart-plot rect').count(), 1);
    await check(page, 'activity-app');

    // The lists, a user's page and a confirmation page.
    await page.click('nav >> text=Apps');
    await check(page, 'apps');
    const approval = await s.admin('POST', '/admin/v1/approvals', {
      clientId,
      username: 'integration@example.com',
      scopes: ['api'],
    });
    assert.equal(approval.status, 201, approval.text);
    await page.click('nav >> text=Users');
    await check(page, 'users');
    await page.click('text=integration@example.com');
    await check(page, 'user');
    await page.goto(`${s.url}/console/apps/${clientId}`);
    await page.click('#secrets a.danger');
    assert.match(await page.title(), /^Delete this secret\?/);
    await check(page, 'confirm');

    assert.deepEqual(problems, [], 'no console errors (CSP violations included)');
    await context.close();
  });
});

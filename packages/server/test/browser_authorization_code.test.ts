// The authorization-code flow in a real browser (Debian chromium through playwright-core, no
// JavaScript needed by the pages): sign in → consent → redirect with the code to a client on
// loopback → token exchange with PKCE → refresh; then the Connected apps page revokes the app.
// The pages' CSP must let the browser follow the redirect to the client (form-action).
// Screenshots of the pages go to test-output/screenshots/ (git-ignored).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, pkce } from './authorize_flow.ts';
import { launchChromium, NO_CHROMIUM, SHOTS } from './browser.ts';
import { basic, startTestServer, type TestServer } from './harness.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

describe('browser: login → consent → code → token → refresh, and revocation on the approvals page', {
  skip: NO_CHROMIUM,
}, () => {
  let s: TestServer;
  let browser: Browser;
  let client: Server;
  let callback: string;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await startTestServer('sqlite');
    // The client's redirect endpoint: a plain page on loopback.
    client = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Client</title><p>Back at the client.</p>');
    });
    await new Promise<void>((r) => client.listen(0, '127.0.0.1', r));
    callback = `http://127.0.0.1:${(client.address() as AddressInfo).port}/oauth/callback`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => client?.close(r));
    await s?.stop();
  });

  /** Screenshots at desktop and phone width. */
  async function shoot(page: Page, name: string): Promise<void> {
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: `${SHOTS}${name}-desktop.png`, fullPage: true });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: `${SHOTS}${name}-phone.png`, fullPage: true });
    await page.setViewportSize(DESKTOP);
  }

  test('the whole walk', { timeout: 60_000 }, async () => {
    const user = await s.newUser({ password: PASSWORD, firstName: 'Ada', lastName: 'Lovelace' });
    const { app, clientSecret } = await s.newApp({
      name: 'Acme Field Service',
      scopes: ['api', 'id', 'refresh_token'],
      callbackUrls: [callback],
    });
    const { verifier, challenge } = pkce();
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: callback,
      scope: 'api id refresh_token',
      state: 'browser-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const context = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });

    // Sign in.
    await page.goto(`${s.url}/services/oauth2/authorize?${q}`);
    assert.equal(await page.title(), 'Sign in');
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /Acme Field Service wants to access your account/,
    );
    await page.fill('#username', user.username);
    await page.fill('#password', PASSWORD);
    await shoot(page, 'login');
    await page.click('button[type=submit]');

    // Consent.
    await page.waitForURL(/\/services\/oauth2\/authorize\?/);
    assert.equal(await page.title(), 'Allow Acme Field Service?');
    const scopes = await page.locator('ul.scopes li').allTextContents();
    assert.equal(scopes.length, 3);
    assert.match(scopes[0]!, /^Access and manage your data through the API/);
    await shoot(page, 'consent');
    // The stylesheet applied (CSP style-src 'self'): the Allow button is the accent colour.
    const allowBg = await page
      .locator('button[value=allow]')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(allowBg, 'rgba(0, 0, 0, 0)');
    await page.click('button[value=allow]');

    // Back at the client with the code; the CSP let the form's redirect through.
    await page.waitForURL((u) => u.href.startsWith(callback), { timeout: 10_000 });
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 'browser-state');
    assert.equal(back.searchParams.get('iss'), s.url);
    const code = back.searchParams.get('code');
    assert.ok(code);

    // The client exchanges the code, then refreshes.
    const token = await s.form(
      '/services/oauth2/token',
      { grant_type: 'authorization_code', code, redirect_uri: callback, code_verifier: verifier },
      { authorization: basic(app.clientId, clientSecret) },
    );
    assert.equal(token.status, 200, token.text);
    assert.equal(token.body.scope, 'api id refresh_token');
    const refreshed = await s.form(
      '/services/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: token.body.refresh_token },
      { authorization: basic(app.clientId, clientSecret) },
    );
    assert.equal(refreshed.status, 200, refreshed.text);
    const access = refreshed.body.access_token as string;
    const me = () => s.get('/services/oauth2/userinfo', { authorization: `Bearer ${access}` });
    assert.equal((await me()).status, 200);

    // The approvals page lists the app; Revoke ends its access.
    await page.goto(`${s.url}/services/oauth2/approvals`);
    assert.equal(await page.title(), 'Connected apps');
    assert.deepEqual(await page.locator('ul.apps h2').allTextContents(), ['Acme Field Service']);
    await shoot(page, 'approvals');
    await page.click('button.danger');
    await page.waitForURL(/\/services\/oauth2\/approvals\?revoked=1$/);
    assert.equal(await page.locator('p.ok').textContent(), 'Access revoked.');
    assert.equal(await page.locator('ul.apps').count(), 0);
    await shoot(page, 'approvals-revoked');
    assert.equal((await me()).status, 401);
    const after = await s.form(
      '/services/oauth2/token',
      {
        grant_type: 'refresh_token',
        refresh_token: refreshed.body.refresh_token ?? token.body.refresh_token,
      },
      { authorization: basic(app.clientId, clientSecret) },
    );
    assert.equal(after.status, 400);

    assert.deepEqual(problems, [], 'no console errors (CSP violations included)');
    await context.close();
  });
});

/**
 * The demo set-up made on first start with an empty store (unless --no-demo):
 * a user, an app with client credentials and a certificate, and the commands to
 * try each flow. The demo app's secret and key pair live in <dataDir>/demo/
 * (mode 0600) so the commands can be printed again on later starts.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServerContext } from './context.ts';
import { KeyPrefix, newId } from './domain/ids.ts';
import { generateSelfSigned } from './keys/x509.ts';
import { API_VERSION } from './resource/versions.ts';
import { createApp } from './services/apps.ts';
import { createUser } from './services/users.ts';

export const DEMO_USERNAME = 'demo@s2s.local';

interface DemoFile {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

/** Creates the demo when the store is empty; returns the instructions to print, or undefined. */
export async function ensureDemo(ctx: ServerContext, dataDir: string): Promise<string | undefined> {
  const dir = resolve(dataDir, 'demo');
  const file = join(dir, 'credentials.json');
  const empty = (await ctx.store.apps.list()).length === 0 && (await ctx.store.users.list()).length === 0;
  if (empty) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const password = 'demo-password-1';
    await createUser(ctx, {
      username: DEMO_USERNAME,
      password,
      email: DEMO_USERNAME,
      firstName: 'Demo',
      lastName: 'User',
      profile: 'System Administrator',
    });
    const pair = await generateSelfSigned({ cn: 's2s-oauth demo app', days: 365 });
    writeFileSync(join(dir, 'server.key'), pair.privateKeyPem, { mode: 0o600 });
    chmodSync(join(dir, 'server.key'), 0o600);
    writeFileSync(join(dir, 'server.crt'), pair.certificatePem);
    const created = await createApp(ctx, {
      name: 'Demo App',
      scopes: ['api', 'id', 'refresh_token', 'offline_access'],
      callbackUrls: ['http://localhost:1717/OauthRedirect'],
      certificates: [pair.certificatePem],
      permittedUsers: 'admin_approved',
      clientCredentials: { enabled: true, runAs: DEMO_USERNAME },
    });
    await ctx.store.preauthorizations.add({
      id: newId(KeyPrefix.preauthorization),
      appId: created.app.id,
      kind: 'user',
      value: DEMO_USERNAME,
      createdAt: ctx.now(),
    });
    const demo: DemoFile = {
      clientId: created.app.clientId,
      clientSecret: created.clientSecret,
      username: DEMO_USERNAME,
      password,
    };
    writeFileSync(file, JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  if (!existsSync(file)) return undefined;
  const demo = JSON.parse(readFileSync(file, 'utf8')) as DemoFile;
  if (!(await ctx.store.apps.findByClientId(demo.clientId))) return undefined;
  return instructions(ctx.settings.issuer, demo, dir);
}

function instructions(base: string, d: DemoFile, dir: string): string {
  const json = `node -pe 'JSON.parse(require("fs").readFileSync(0,"utf8")).access_token'`;
  return [
    'Demo set-up (credentials in ' + join(dir, 'credentials.json') + '):',
    `  user ${d.username} (password ${d.password}), app "Demo App", key pair in ${dir}`,
    '',
    'Client credentials flow — get a token, then call the API with it:',
    `  TOKEN=$(curl -s -u '${d.clientId}:${d.clientSecret}' -d grant_type=client_credentials ${base}/services/oauth2/token | ${json})`,
    `  curl -s -H "Authorization: Bearer $TOKEN" ${base}/services/data/v${API_VERSION}/`,
    '',
    'Revoke it; the same call then answers 401 INVALID_SESSION_ID:',
    `  curl -s -d "token=$TOKEN" ${base}/services/oauth2/revoke`,
    `  curl -s -H "Authorization: Bearer $TOKEN" ${base}/services/data/v${API_VERSION}/`,
  ].join('\n');
}

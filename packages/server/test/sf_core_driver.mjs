// What `sf org login jwt` and `sf org display` do, through @salesforce/core itself, run by
// sf_core.test.ts under Node 22 from .cache/sf-tools (scripts/install-sf-tools.sh).
// Plain JavaScript: it runs outside the workspace, where @salesforce/core has no types.
//
// In: SF_TOOLS_DIR, LOGIN_URL (with the trailing slash the CLI's URL flag adds), CLIENT_ID,
// KEY_FILE, SF_USERNAME; HOME points at a temporary folder. Out: one JSON object on stdout.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const { SF_TOOLS_DIR, LOGIN_URL, CLIENT_ID, KEY_FILE, SF_USERNAME } = process.env;
const require = createRequire(join(SF_TOOLS_DIR, 'package.json'));
const { AuthInfo, Org, Lifecycle } = require('@salesforce/core');

const warnings = [];
Lifecycle.getInstance().onWarning(async (w) => {
  warnings.push(String(w));
});

const out = { node: process.version, warnings };

// `sf org login jwt -o <user> -f <key> -i <client id> -r <url>` (plugin-auth's command body).
const authInfo = await AuthInfo.create({
  username: SF_USERNAME,
  oauth2Options: { clientId: CLIENT_ID, privateKeyFile: KEY_FILE, loginUrl: LOGIN_URL },
});
await authInfo.save();
await AuthInfo.identifyPossibleScratchOrgs(authInfo.getFields(true), authInfo);
const fields = authInfo.getFields(true);
out.login = {
  username: fields.username,
  orgId: fields.orgId,
  instanceUrl: fields.instanceUrl,
  loginUrl: fields.loginUrl,
  isDevHub: fields.isDevHub,
  hasAccessToken: typeof fields.accessToken === 'string' && fields.accessToken.length > 0,
  hasRefreshToken: Boolean(fields.refreshToken),
  authFileSaved: existsSync(join(homedir(), '.sfdx', `${SF_USERNAME}.json`)),
};

// `sf org display -o <user>`: the org from the saved auth file, and a check that the token works.
const org = await Org.create({ aliasOrUsername: SF_USERNAME });
await org.refreshAuth();
const conn = org.getConnection();
out.display = {
  orgId: org.getOrgId(),
  username: conn.getUsername(),
  instanceUrl: conn.instanceUrl,
  apiVersion: conn.getApiVersion(),
};

// A follow-up API call through the same connection.
const created = await conn.sobject('Account').create({ Name: 'Made by sf' });
const query = await conn.query("SELECT Id, Name FROM Account WHERE Name = 'Made by sf'");
out.api = { created, totalSize: query.totalSize, records: query.records };

// Token expiry: the access token is revoked, the next call gets 401, and AuthInfo's refreshFn
// runs the JWT grant again (a new assertion) before jsforce replays the call.
const before = conn.accessToken;
const revoke = await fetch(new URL('services/oauth2/revoke', LOGIN_URL), {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ token: before }),
});
const again = await conn.query('SELECT Id FROM Account');
out.expiry = {
  revokeStatus: revoke.status,
  tokenChanged: conn.accessToken !== before,
  totalSize: again.totalSize,
};

process.stdout.write(`${JSON.stringify(out)}\n`);

/** `s2s admin app cert add|list|remove` and `s2s admin app secret add|list|remove`. */
import type { Command } from 'commander';
import { adminAction } from './action.ts';
import { certificateTable, secretTable } from './app_view.ts';
import { fields, json, type Row } from './format.ts';
import { readPem } from './options.ts';

export function registerCertificateCommands(app: Command): void {
  const cert = app.command('cert').alias('certs').description('certificates for JWT bearer assertions');

  cert
    .command('add')
    .description('register a PEM certificate')
    .argument('<clientId>', 'client id')
    .argument('<file>', 'PEM certificate file')
    .action(
      adminAction(async (c, [clientId, file]) => {
        const r = (await c.client.request('POST', ['apps', clientId!, 'certificates'], {
          pem: readPem(file!),
        })) as Row;
        if (c.json) {
          c.print(json(r));
          return;
        }
        c.print(
          fields([
            ['thumbprint', r.thumbprint],
            ['subject', r.subject],
            ['not after', r.notAfter],
            ['expired', r.expired],
          ]),
        );
      }),
    );

  cert
    .command('list')
    .description("list an app's certificates")
    .argument('<clientId>', 'client id')
    .action(
      adminAction(async (c, [clientId]) => {
        const certs = ((await c.client.request('GET', ['apps', clientId!])) as Row).certificates as Row[];
        c.print(c.json ? json(certs) : certificateTable(certs));
      }),
    );

  cert
    .command('remove')
    .alias('rm')
    .description('remove a certificate by its SHA-256 thumbprint')
    .argument('<clientId>', 'client id')
    .argument('<thumbprint>', 'SHA-256 thumbprint (hex; colons allowed)')
    .action(
      adminAction(async (c, [clientId, thumbprint]) => {
        await c.client.request('DELETE', ['apps', clientId!, 'certificates', thumbprint!]);
        if (!c.json) c.print(`removed certificate ${thumbprint}`);
      }),
    );
}

export function registerSecretCommands(app: Command): void {
  const secret = app.command('secret').alias('secrets').description('client secrets (rotation)');

  secret
    .command('add')
    .description('add a client secret; prints it once')
    .argument('<clientId>', 'client id')
    .action(
      adminAction(async (c, [clientId]) => {
        const r = (await c.client.request('POST', ['apps', clientId!, 'secrets'])) as Row;
        if (c.json) {
          c.print(json(r));
          return;
        }
        c.print(
          fields([
            ['id', r.id],
            ['created', r.createdAt],
          ]),
        );
        c.print(`\nclient secret (shown only now; store it safely):\n  ${r.clientSecret}`);
      }),
    );

  secret
    .command('list')
    .description("list an app's secrets (ids and last four characters only)")
    .argument('<clientId>', 'client id')
    .action(
      adminAction(async (c, [clientId]) => {
        const list = (await c.client.request('GET', ['apps', clientId!, 'secrets'])) as Row[];
        c.print(c.json ? json(list) : secretTable(list));
      }),
    );

  secret
    .command('remove')
    .alias('rm')
    .description('delete a client secret (an app keeps at least one)')
    .argument('<clientId>', 'client id')
    .argument('<secretId>', 'secret id (see `secret list`)')
    .action(
      adminAction(async (c, [clientId, secretId]) => {
        await c.client.request('DELETE', ['apps', clientId!, 'secrets', secretId!]);
        if (!c.json) c.print(`removed secret ${secretId}`);
      }),
    );
}

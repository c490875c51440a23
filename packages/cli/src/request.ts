/**
 * `s2s request [--alias NAME] METHOD PATH [--data JSON|@file|@-] [--header 'Name: value']…`:
 * one API call with a saved credential. PATH is relative to the token's
 * `instance_url` (or an absolute URL). On 401 the token is renewed and the
 * call retried once. The status line goes to stderr and the body to stdout:
 * JSON pretty-printed on a terminal, raw when piped (--pretty / --raw to
 * choose). The exit code is 1 when the status is 400 or more.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { openSaved } from './credentials.ts';

const METHOD = /^[A-Za-z]+$/;

function header(v: string, prev: string[]): string[] {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:/.test(v)) throw new InvalidArgumentError('must be "Name: value"');
  return [...prev, v];
}

/** `--data` as given: `@file`, `@-` (stdin), or the text itself. */
function readData(d: string): string {
  if (d === '@-') return readFileSync(0, 'utf8');
  if (d.startsWith('@')) return readFileSync(d.slice(1), 'utf8');
  return d;
}

function pretty(text: string): string {
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text;
  }
}

export function requestCommand(): Command {
  return new Command('request')
    .description('call an API with a saved credential (renews the token on 401 and retries once)')
    .argument('<method>', 'GET, POST, PATCH, PUT, DELETE, …')
    .argument('<path>', 'e.g. /services/data/v62.0/limits (relative to instance_url), or a full URL')
    .option('-a, --alias <name>', 'the credential (default: the default one)')
    .option('-d, --data <body>', 'request body: JSON text, @file, or @- for stdin')
    .option('-H, --header <header>', 'extra request header "Name: value" (repeatable)', header, [])
    .option('--pretty', 'pretty-print a JSON body even when piped')
    .option('--raw', 'print the body as received even on a terminal')
    .action(
      async (
        method: string,
        path: string,
        f: { alias?: string; data?: string; header: string[]; pretty?: boolean; raw?: boolean },
      ) => {
        if (!METHOD.test(method)) throw new Error(`${method} is not an HTTP method`);
        const headers = new Headers();
        for (const h of f.header) {
          const i = h.indexOf(':');
          headers.append(h.slice(0, i).trim(), h.slice(i + 1).trim());
        }
        const body = f.data === undefined ? undefined : readData(f.data);
        if (body !== undefined && !headers.has('content-type'))
          headers.set('content-type', 'application/json');
        const { cred } = openSaved(f.alias);
        try {
          const res = await cred.fetch(path, { method: method.toUpperCase(), headers, body });
          const text = await res.text();
          process.stderr.write(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}\n`);
          const show = f.raw ? false : (f.pretty ?? process.stdout.isTTY === true);
          process.stdout.write(show ? pretty(text) : text);
          if (res.status >= 400) process.exitCode = 1;
        } finally {
          await cred.close();
        }
      },
    );
}

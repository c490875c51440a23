/**
 * Reading the console's form posts: urlencoded, or multipart when a file is attached.
 * Unlike the authorization pages, a name may repeat (the scope checkboxes); `one()` refuses
 * a repeat of a single-valued field. Values are kept as sent (empty means "not given").
 */
import type { FastifyRequest } from 'fastify';
import { PageError } from '../../oauth/authorization/errors.ts';
import { boundaryOf, parseMultipart } from './multipart.ts';

export class FormFields {
  constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  /** A single-valued field, or undefined when absent or empty. */
  one(name: string): string | undefined {
    const v = this.values.get(name) ?? [];
    if (v.length > 1) throw new PageError('Form not accepted', `The field ${name} was sent more than once.`);
    return v[0] === '' ? undefined : v[0];
  }

  /** Every non-empty value of a field. */
  all(name: string): string[] {
    return (this.values.get(name) ?? []).filter((v) => v !== '');
  }

  has(name: string): boolean {
    return this.values.has(name);
  }
}

function collect(pairs: Iterable<[string, string]>): FormFields {
  const m = new Map<string, string[]>();
  for (const [k, v] of pairs) m.set(k, [...(m.get(k) ?? []), v]);
  return new FormFields(m);
}

export function readConsoleForm(req: FastifyRequest): FormFields {
  const type = req.headers['content-type'] ?? '';
  const mime = type.split(';')[0]!.trim().toLowerCase();
  const body = typeof req.body === 'string' ? req.body : '';
  if (mime === 'application/x-www-form-urlencoded') return collect(new URLSearchParams(body));
  if (mime === 'multipart/form-data') {
    const boundary = boundaryOf(type);
    const parts = boundary ? parseMultipart(body, boundary) : null;
    if (!parts) throw new PageError('Form not accepted', 'The form could not be read.');
    // A file input without a chosen file sends an empty part; it counts as not given.
    return collect(parts.map((p) => [p.name, p.value] as [string, string]));
  }
  throw new PageError('Form not accepted', 'The form was not sent as a web form.', 415);
}

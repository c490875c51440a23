/**
 * A small multipart/form-data reader (RFC 7578) for the console's forms that carry a file
 * (a PEM certificate): text parts only, which is all a PEM file is. The body reaches the
 * route as text (http/app.ts), within the server's body limit.
 */

export interface Part {
  name: string;
  value: string;
  /** Set for file inputs (empty when no file was chosen). */
  filename?: string;
}

/** The boundary parameter of a multipart/form-data content type, or null. */
export function boundaryOf(contentType: string): string | null {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/** Disposition parameters, with the HTML form encoding of names (%22 for ", %0A/%0D for newlines). */
function param(disposition: string, key: string): string | undefined {
  const m = new RegExp(`;\\s*${key}="([^"]*)"`, 'i').exec(disposition);
  return m?.[1]?.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

/** The parts of a body; null when it is not well-formed. */
export function parseMultipart(body: string, boundary: string): Part[] | null {
  const delimiter = `--${boundary}`;
  const chunks = body.split(delimiter);
  // Before the first delimiter: a preamble; after the last: `--` and an epilogue.
  if (chunks.length < 2 || !chunks[chunks.length - 1]!.startsWith('--')) return null;
  const parts: Part[] = [];
  for (const chunk of chunks.slice(1, -1)) {
    if (!chunk.startsWith('\r\n') || !chunk.endsWith('\r\n')) return null;
    const raw = chunk.slice(2, -2);
    const split = raw.indexOf('\r\n\r\n');
    if (split < 0) return null;
    const headers = raw.slice(0, split).split('\r\n');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h));
    if (!disposition || !/^content-disposition:\s*form-data/i.test(disposition)) return null;
    const name = param(disposition, 'name');
    if (name === undefined) return null;
    const filename = param(disposition, 'filename');
    parts.push({ name, value: raw.slice(split + 4), ...(filename === undefined ? {} : { filename }) });
  }
  return parts;
}

/**
 * The client's typed errors. Every one names the credential it concerns, so a
 * service holding many credentials can tell which one failed.
 *
 * - `CredentialConfigError`: the credential itself is wrong (a missing field, an unreadable key).
 * - `TokenEndpointError`: the token (or introspection, or discovery) request failed below OAuth:
 *   network error, timeout, or an answer that is not an RFC 6749 §5.2 error.
 * - `OAuthClientError`: the server answered with an RFC 6749 §5.2 error (`error`, `error_description`).
 * - `TokenStoreError`: the shared token cache could not be read, locked or written.
 * - `RetryRefusedError`: a refresh was needed but the request body was a stream that was not buffered.
 */

export class S2SClientError extends Error {
  /** The credential's name. */
  readonly credential: string;

  constructor(credential: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'S2SClientError';
    this.credential = credential;
  }
}

export class CredentialConfigError extends S2SClientError {
  /** The offending field, dotted (`privateKeyFile`, `refreshOn.statuses`). */
  readonly field: string;

  constructor(credential: string, field: string, problem: string, options?: { cause?: unknown }) {
    super(credential, `credential ${credential}: ${field} ${problem}`, options);
    this.name = 'CredentialConfigError';
    this.field = field;
  }
}

export class TokenEndpointError extends S2SClientError {
  /** The URL that was called. */
  readonly endpoint: string;
  /** The HTTP status, when there was a response. */
  readonly status: number | undefined;

  constructor(
    credential: string,
    endpoint: string,
    status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(credential, message, options);
    this.name = 'TokenEndpointError';
    this.endpoint = endpoint;
    this.status = status;
  }
}

/** The server's own error (RFC 6749 §5.2), as it sent it. */
export class OAuthClientError extends TokenEndpointError {
  /** `error`, e.g. `invalid_grant`, `invalid_client`. */
  readonly error: string;
  /** `error_description`, when given. */
  readonly errorDescription: string | undefined;
  /** `error_uri`, when given. */
  readonly errorUri: string | undefined;
  declare readonly status: number;

  constructor(
    credential: string,
    endpoint: string,
    status: number,
    body: { error: string; error_description?: string; error_uri?: string },
  ) {
    const desc = body.error_description ? `: ${body.error_description}` : '';
    super(credential, endpoint, status, `credential ${credential}: ${body.error}${desc} (HTTP ${status})`);
    this.name = 'OAuthClientError';
    this.error = body.error;
    this.errorDescription = body.error_description;
    this.errorUri = body.error_uri;
  }
}

export class TokenStoreError extends S2SClientError {
  constructor(credential: string, message: string, options?: { cause?: unknown }) {
    super(credential, `credential ${credential}: ${message}`, options);
    this.name = 'TokenStoreError';
  }
}

export class RetryRefusedError extends S2SClientError {
  /** The response that asked for a new token (its body is unread). */
  readonly response: Response;

  constructor(credential: string, response: Response) {
    super(
      credential,
      `credential ${credential}: the server answered ${response.status} and the token was renewed, ` +
        'but the request body was a stream that was not buffered (streamBodies: "refuse"), so the request ' +
        'was not retried; send it again',
    );
    this.name = 'RetryRefusedError';
    this.response = response;
  }
}

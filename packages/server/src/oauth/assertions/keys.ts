/**
 * The keys an assertion may be verified with: only the public keys of X.509
 * certificates registered for the app named by `iss` (RFC 8725 §3.8, §3.10).
 * Keys carried in the JWS header are never used (see header.ts).
 *
 * Each key is bound to the algorithms of its type (RFC 8725 §3.1): an RSA key
 * verifies only RS256-512 and PS256-512, an EC key only the ES algorithm of its curve. So `alg: HS256`
 * can never select a certificate's key (algorithm confusion, catalogue J2/J3).
 */
import { createHash, type KeyObject, X509Certificate } from 'node:crypto';

/** RFC 7518 §3.3, §3.4, §3.5; `none` (§3.6) and HMAC (§3.2) are never accepted. */
export const ASSERTION_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;

const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_ALGS: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** What the verifier needs of a registered certificate (a subset of AppCertificate). */
export interface RegisteredCertificate {
  pem: string;
}

export interface CertificateKey {
  key: KeyObject;
  /** The JWS algorithms this key may verify. */
  algorithms: readonly string[];
  notBefore: number;
  notAfter: number;
  /** Identifiers a JWS header may use to name this certificate (see `matchesKid`). */
  ids: { sha256Hex: string; x5tS256: string; x5t: string; jwkThumbprint: string };
}

// Parsed keys by PEM text. Certificates are immutable, so this is pure memoisation;
// it also lets jose reuse its per-KeyObject CryptoKey cache.
const cache = new Map<string, CertificateKey | null>();
const CACHE_LIMIT = 1000;

/** The key of a registered certificate, or null when it cannot be used for JWS at all. */
export function certificateKey(cert: RegisteredCertificate): CertificateKey | null {
  const hit = cache.get(cert.pem);
  if (hit !== undefined) return hit;
  const made = makeKey(cert.pem);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(cert.pem, made);
  return made;
}

function makeKey(pem: string): CertificateKey | null {
  let x: X509Certificate;
  try {
    x = new X509Certificate(pem);
  } catch {
    return null;
  }
  const key = x.publicKey;
  const type = key.asymmetricKeyType;
  let algorithms: readonly string[];
  if (type === 'rsa') algorithms = RSA_ALGS;
  else if (type === 'rsa-pss') algorithms = RSA_ALGS.filter((a) => a.startsWith('PS'));
  else if (type === 'ec') {
    const alg = EC_ALGS[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!alg) return null;
    algorithms = [alg];
  } else return null;
  const sha256 = createHash('sha256').update(x.raw).digest();
  return {
    key,
    algorithms,
    notBefore: Date.parse(x.validFrom),
    notAfter: Date.parse(x.validTo),
    ids: {
      sha256Hex: sha256.toString('hex'),
      x5tS256: sha256.toString('base64url'),
      x5t: createHash('sha1').update(x.raw).digest('base64url'),
      jwkThumbprint: jwkThumbprint(key),
    },
  };
}

/** RFC 7638 §3: SHA-256 over the required members in lexicographic order. */
function jwkThumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** A `kid` names a certificate by its SHA-256 (hex or base64url), SHA-1 (x5t) or RFC 7638 thumbprint. */
function matchesKid(k: CertificateKey, kid: string): boolean {
  const { sha256Hex, x5tS256, x5t, jwkThumbprint: jkt } = k.ids;
  return kid.toLowerCase() === sha256Hex || kid === x5tS256 || kid === x5t || kid === jkt;
}

export interface KeySelection {
  /** Keys to try, in order; empty when none can verify this assertion. */
  candidates: CertificateKey[];
  /** Why `candidates` is empty, for the log: never sent to the client. */
  reason?: string;
}

/**
 * Chooses the registered keys to try for a JWS header (RFC 7515 §4.1.4, §4.1.8).
 * - `x5t#S256` / `x5t`, when present, must name a registered certificate.
 * - `kid` narrows to the certificate it names; a `kid` we do not recognise is
 *   only a hint (we never assigned kids), so every key is tried (catalogue J4).
 * - Certificates outside their validity period at `now` are never used.
 * - Only keys whose type fits `alg` are returned.
 */
export function selectKeys(
  certs: readonly RegisteredCertificate[],
  header: { alg: string; kid?: string; x5tS256?: string; x5t?: string },
  now: number,
): KeySelection {
  let keys = certs.map(certificateKey).filter((k): k is CertificateKey => k !== null);
  if (keys.length === 0) return { candidates: [], reason: 'the app has no usable certificate' };
  if (header.x5tS256 !== undefined) {
    keys = keys.filter((k) => k.ids.x5tS256 === header.x5tS256);
    if (keys.length === 0) return { candidates: [], reason: 'x5t#S256 names no registered certificate' };
  }
  if (header.x5t !== undefined) {
    keys = keys.filter((k) => k.ids.x5t === header.x5t);
    if (keys.length === 0) return { candidates: [], reason: 'x5t names no registered certificate' };
  }
  if (header.kid !== undefined) {
    const named = keys.filter((k) => matchesKid(k, header.kid as string));
    if (named.length > 0) keys = named;
  }
  const current = keys.filter((k) => k.notBefore <= now && now <= k.notAfter);
  if (current.length === 0) return { candidates: [], reason: 'certificate expired or not yet valid' };
  const fitting = current.filter((k) => k.algorithms.includes(header.alg));
  if (fitting.length === 0) return { candidates: [], reason: `alg ${header.alg} does not fit the key type` };
  return { candidates: fitting };
}

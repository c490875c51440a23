/**
 * Names the SAML bearer verifier recognises: namespaces (SAML core §1.2,
 * XMLDSig §3), the algorithm allowlists, and the size limits.
 */

export const NS = {
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

/** SAML core §3.4 / profiles §3.3: the bearer confirmation method RFC 7522 §3 item 7 requires. */
export const CM_BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
/** SAML core §8.3.6: the Issuer's only meaningful format; absent means this. */
export const NAMEID_ENTITY = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';

export const C14N_EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const RSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384';
export const RSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512';

export const DIGEST_SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
export const DIGEST_SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const DIGEST_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#sha384';
export const DIGEST_SHA512 = 'http://www.w3.org/2001/04/xmlenc#sha512';

/** RFC 6931 §2.3.4 / XMLDSig: the node.js hash name behind each allowed algorithm. */
export const SIGNATURE_HASH: Readonly<Record<string, string>> = {
  [RSA_SHA1]: 'sha1',
  [RSA_SHA256]: 'sha256',
  [RSA_SHA384]: 'sha384',
  [RSA_SHA512]: 'sha512',
};
export const DIGEST_HASH: Readonly<Record<string, string>> = {
  [DIGEST_SHA1]: 'sha1',
  [DIGEST_SHA256]: 'sha256',
  [DIGEST_SHA384]: 'sha384',
  [DIGEST_SHA512]: 'sha512',
};

/** The one transform chain accepted (security catalogue §4.2 S9): enveloped, then exclusive C14N. */
export const ALLOWED_TRANSFORMS = [ENVELOPED_SIGNATURE, C14N_EXC] as const;

/** Largest decoded assertion, bytes: a signed assertion with a certificate is ~5 KB. */
export const MAX_ASSERTION_BYTES = 32 * 1024;
/** Longest ID, Issuer or NameID we look at, characters. */
export const MAX_IDENTIFIER_LENGTH = 256;
/** Element depth: a real assertion is ~6 deep; this bounds recursion on hostile input. */
export const MAX_DEPTH = 32;

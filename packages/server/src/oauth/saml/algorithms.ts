/**
 * The algorithms a SignedXml verifier may use, and nothing else (security
 * catalogue §4.2 S9, S11): exclusive C14N and the enveloped-signature transform;
 * RSA PKCS#1 v1.5 with SHA-256/384/512, and SHA-1 only when the app's policy
 * allows it (RFC 6931 §2.1.1 calls SHA-1 signatures "not recommended").
 * xml-crypto has no SHA-384 classes, so they are defined here on node:crypto.
 */
import { createHash, createSign, createVerify, type KeyLike } from 'node:crypto';
import type { HashAlgorithm, SignatureAlgorithm, SignedXml } from 'xml-crypto';
import {
  C14N_EXC,
  DIGEST_HASH,
  DIGEST_SHA1,
  ENVELOPED_SIGNATURE,
  RSA_SHA1,
  SIGNATURE_HASH,
} from './constants.ts';

export interface AlgorithmPolicy {
  /** The app's `assertion.allowSha1` policy. */
  allowSha1: boolean;
}

export function allowedSignatureAlgorithms(p: AlgorithmPolicy): string[] {
  return Object.keys(SIGNATURE_HASH).filter((a) => p.allowSha1 || a !== RSA_SHA1);
}

export function allowedDigestAlgorithms(p: AlgorithmPolicy): string[] {
  return Object.keys(DIGEST_HASH).filter((a) => p.allowSha1 || a !== DIGEST_SHA1);
}

function rsaSignature(uri: string, hash: string): new () => SignatureAlgorithm {
  return class {
    getSignature(signedInfo: string, privateKey: KeyLike): string {
      return createSign(`RSA-${hash.toUpperCase()}`).update(signedInfo).sign(privateKey, 'base64');
    }
    verifySignature(material: string, key: KeyLike, signatureValue: string): boolean {
      try {
        return createVerify(`RSA-${hash.toUpperCase()}`)
          .update(material)
          .verify(key, signatureValue, 'base64');
      } catch {
        // Not an RSA key (an EC certificate, say): this key did not make the signature.
        return false;
      }
    }
    getAlgorithmName(): string {
      return uri;
    }
  } as unknown as new () => SignatureAlgorithm;
}

function digest(uri: string, hash: string): new () => HashAlgorithm {
  return class {
    getHash(xml: string): string {
      return createHash(hash).update(xml, 'utf8').digest('base64');
    }
    getAlgorithmName(): string {
      return uri;
    }
  };
}

/** Replaces the verifier's algorithm tables with exactly the allowed ones. */
export function restrictAlgorithms(sx: SignedXml, p: AlgorithmPolicy): void {
  const transforms = sx.CanonicalizationAlgorithms;
  sx.CanonicalizationAlgorithms = {
    [C14N_EXC]: transforms[C14N_EXC]!,
    [ENVELOPED_SIGNATURE]: transforms[ENVELOPED_SIGNATURE]!,
  };
  sx.SignatureAlgorithms = Object.fromEntries(
    allowedSignatureAlgorithms(p).map((uri) => [uri, rsaSignature(uri, SIGNATURE_HASH[uri]!)]),
  );
  sx.HashAlgorithms = Object.fromEntries(
    allowedDigestAlgorithms(p).map((uri) => [uri, digest(uri, DIGEST_HASH[uri]!)]),
  );
}

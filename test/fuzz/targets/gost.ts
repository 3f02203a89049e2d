/**
 * NCA's GOST keys and signatures (src/pki/gost): mutants of the sample GOSTKNCA private key, of
 * real NCA GOST-2004 and GOST-2015-512 public keys, and of their signatures. Keys that no longer
 * parse, points off the curve, wrong lengths and r or s out of range must be typed refusals; a
 * signature may verify only with the seed's own key and signature bytes.
 */
import * as pkijs from 'pkijs'
import { readFileSync } from 'node:fs'
import { sameBytes } from '../../../src/core/bytes.ts'
import { openGostPrivateKey, verifyGostSignature } from '../../../src/pki/gost/index.ts'
import { readPkcs12 } from '../../../src/pki/pkcs12/index.ts'
import { fixtureDer } from '../../pki/gost/vectors.ts'
import type { FuzzTarget } from '../invariants.ts'
import { mutants, type Mutant } from '../mutate.ts'

interface SignedSeed {
  readonly spki: Uint8Array
  readonly algorithm: string
  readonly tbs: Uint8Array
  readonly signature: Uint8Array
}

function signedCertificate(path: string, issuerPath: string): SignedSeed {
  const cert = pkijs.Certificate.fromBER(fixtureDer(path))
  const issuer = pkijs.Certificate.fromBER(fixtureDer(issuerPath))
  return {
    spki: new Uint8Array(issuer.subjectPublicKeyInfo.toSchema().toBER(false)),
    algorithm: cert.signatureAlgorithm.algorithmId,
    tbs: new Uint8Array(cert.tbsView),
    signature: new Uint8Array(cert.signatureValue.valueBlock.valueHexView),
  }
}

function signedCrl(path: string, issuerPath: string): SignedSeed {
  const crl = pkijs.CertificateRevocationList.fromBER(fixtureDer(path))
  const issuer = pkijs.Certificate.fromBER(fixtureDer(issuerPath))
  return {
    spki: new Uint8Array(issuer.subjectPublicKeyInfo.toSchema().toBER(false)),
    algorithm: crl.signatureAlgorithm.algorithmId,
    tbs: new Uint8Array(crl.tbsView),
    signature: new Uint8Array(crl.signatureValue.valueBlock.valueHexView),
  }
}

export async function gostTarget(): Promise<FuzzTarget<Mutant>> {
  const p12 = readFileSync(new URL('../../fixtures/nca-test-keys/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12', import.meta.url))
  const pkcs8 = (await readPkcs12(new Uint8Array(p12), 'Qwerty12')).keys[0]!.pkcs8
  const signed = [
    signedCertificate('ncanode/ceo_valid_sign_2004_gost.cer', 'ncanode/nca_gost_test.crt'),
    signedCrl('ncanode/nca_gost2022_test.crl', 'ncanode/nca_gost2015_test.cer'),
  ]
  // Seeds: 0 the private key; 1–2 the issuers' SPKIs; 3–4 the signatures.
  const seeds = [pkcs8, ...signed.map((s) => s.spki), ...signed.map((s) => s.signature)]
  return {
    name: 'gost',
    inputs: mutants(seeds),
    async attempt({ seed, bytes }) {
      if (seed === 0) {
        openGostPrivateKey(bytes).sign(new Uint8Array([1, 2, 3]))
        return { kind: 'accepted' }
      }
      const pick = seed < 0 ? signed[bytes.length % 2]! : signed[(seed - 1) % 2]!
      const asKey = seed < 0 ? bytes.length % 4 < 2 : seed <= 2
      const spki = asKey ? bytes : pick.spki
      const signature = asKey ? pick.signature : bytes
      if (!verifyGostSignature(spki, pick.algorithm, pick.tbs, signature)) return { kind: 'refused' }
      if (!sameBytes(spki, pick.spki) || !sameBytes(signature, pick.signature)) {
        // A key that encodes the same point differently could still verify; anything else is a forgery.
        if (!asKey) return { kind: 'violation', why: 'a changed GOST signature verified' }
      }
      return { kind: 'accepted' }
    },
  }
}

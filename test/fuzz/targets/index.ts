/** Every fuzz target, by the name `npm run fuzz` prints, with its share of the long run. */
import type { FuzzTarget } from '../invariants.ts'
import type { Seeds } from '../seeds.ts'
import { appTarget } from './app.ts'
import { certificateTarget } from './certificate.ts'
import { cmsTarget } from './cms.ts'
import { csrTarget } from './csr.ts'
import { gostTarget } from './gost.ts'
import { handoffsTarget } from './handoffs.ts'
import { loginTarget } from './login.ts'
import { ocspRequestTarget } from './ocsp-request.ts'
import { pkcs12Target } from './pkcs12.ts'
import { pkcs8EncryptedTarget, pkcs8PlainTarget } from './pkcs8.ts'
import { crlTarget, ocspResponseTarget } from './revocation.ts'

export interface TargetEntry {
  readonly make: (seeds: Seeds) => FuzzTarget<never> | Promise<FuzzTarget<never>>
  /**
   * Share of `npm run fuzz` per 1000: by cost, so the million inputs take minutes (per input on a
   * busy 2-core machine: OCSP request ~0.06 ms, PKCS#8 ~0.5, CRL/login/app ~0.8, CSR ~1.6,
   * certificate/PKCS#12/OCSP response ~2.5–3, CMS ~7 with its three verifiers); every target
   * still gets at least 25,000.
   */
  readonly weight: number
}

/** Erases the input type: callers only pass a target's own inputs back to it. */
function entry<T>(make: (seeds: Seeds) => FuzzTarget<T> | Promise<FuzzTarget<T>>, weight: number): TargetEntry {
  return { make: make as unknown as TargetEntry['make'], weight }
}

export const TARGETS: Readonly<Record<string, TargetEntry>> = {
  'pkcs12': entry(pkcs12Target, 35),
  'pkcs8-plain': entry(pkcs8PlainTarget, 100),
  'pkcs8-encrypted': entry(pkcs8EncryptedTarget, 100),
  'csr': entry(csrTarget, 55),
  'certificate': entry(certificateTarget, 45),
  'crl': entry(crlTarget, 90),
  'ocsp-response': entry(ocspResponseTarget, 30),
  'ocsp-request': entry(ocspRequestTarget, 350),
  'cms': entry(cmsTarget, 25),
  'login': entry(loginTarget, 90),
  'app': entry(appTarget, 80),
  'handoffs': entry(handoffsTarget, 25),
  'gost': entry(gostTarget, 25),
}

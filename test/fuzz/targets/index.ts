/** Every fuzz target, by the name `npm run fuzz` prints, with its share of the long run. */
import type { FuzzTarget } from '../invariants.ts'
import type { Seeds } from '../seeds.ts'
import { appTarget } from './app.ts'
import { certificateTarget } from './certificate.ts'
import { cmsTarget } from './cms.ts'
import { csrTarget } from './csr.ts'
import { loginTarget } from './login.ts'
import { ocspRequestTarget } from './ocsp-request.ts'
import { pkcs12Target } from './pkcs12.ts'
import { pkcs8EncryptedTarget, pkcs8PlainTarget } from './pkcs8.ts'
import { crlTarget, ocspResponseTarget } from './revocation.ts'

export interface TargetEntry {
  readonly make: (seeds: Seeds) => FuzzTarget<never> | Promise<FuzzTarget<never>>
  /** Relative weight in `npm run fuzz` (cheap parsers get more of the million inputs). */
  readonly weight: number
}

/** Erases the input type: callers only pass a target's own inputs back to it. */
function entry<T>(make: (seeds: Seeds) => FuzzTarget<T> | Promise<FuzzTarget<T>>, weight: number): TargetEntry {
  return { make: make as unknown as TargetEntry['make'], weight }
}

export const TARGETS: Readonly<Record<string, TargetEntry>> = {
  'pkcs12': entry(pkcs12Target, 8),
  'pkcs8-plain': entry(pkcs8PlainTarget, 8),
  'pkcs8-encrypted': entry(pkcs8EncryptedTarget, 8),
  'csr': entry(csrTarget, 10),
  'certificate': entry(certificateTarget, 14),
  'crl': entry(crlTarget, 8),
  'ocsp-response': entry(ocspResponseTarget, 8),
  'ocsp-request': entry(ocspRequestTarget, 12),
  'cms': entry(cmsTarget, 10),
  'login': entry(loginTarget, 8),
  'app': entry(appTarget, 6),
}

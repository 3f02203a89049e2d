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

export const TARGETS: Readonly<Record<string, TargetEntry>> = {
  'pkcs12': { make: pkcs12Target as TargetEntry['make'], weight: 8 },
  'pkcs8-plain': { make: pkcs8PlainTarget as TargetEntry['make'], weight: 8 },
  'pkcs8-encrypted': { make: pkcs8EncryptedTarget as TargetEntry['make'], weight: 8 },
  'csr': { make: csrTarget as TargetEntry['make'], weight: 10 },
  'certificate': { make: certificateTarget as TargetEntry['make'], weight: 14 },
  'crl': { make: crlTarget as TargetEntry['make'], weight: 8 },
  'ocsp-response': { make: ocspResponseTarget as TargetEntry['make'], weight: 8 },
  'ocsp-request': { make: ocspRequestTarget as TargetEntry['make'], weight: 12 },
  'cms': { make: cmsTarget as TargetEntry['make'], weight: 10 },
  'login': { make: loginTarget as TargetEntry['make'], weight: 8 },
  'app': { make: appTarget as TargetEntry['make'], weight: 6 },
}

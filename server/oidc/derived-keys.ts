/**
 * The provider's keys, each derived from the server secret for its own purpose. Kept apart from
 * index.ts so the CLI can name them without loading oidc-provider (which prints a runtime notice
 * on Node 20 into every command's output).
 */
import { deriveKey } from '../security/secret.ts'
import type { OidcKeys } from './provider.ts'

export function oidcKeys(secret: Buffer): OidcKeys {
  return {
    signingKeys: deriveKey(secret, 'oidc-keys'),
    clientSecrets: deriveKey(secret, 'oidc-client-secrets'),
    pairwise: deriveKey(secret, 'oidc-pairwise'),
    cookies: deriveKey(secret, 'oidc-cookies'),
  }
}

/**
 * What a container card asks for: ContainerCard emits these and ContainerList passes them on to
 * the view, so both declare their emits with this one type.
 */
import type { CertificateView, ContainerView } from '@/keystore/views.ts'

export interface ContainerEvents {
  unlock: [container: ContainerView]
  lock: [container: ContainerView]
  check: [container: ContainerView]
  export: [container: ContainerView]
  delete: [container: ContainerView]
  rename: [container: ContainerView]
  changePassword: [container: ContainerView]
  details: [certificate: CertificateView]
}

/**
 * Installing an application's certificates from the stores: picks the signer that holds its keys
 * — our local agent for a hardware token, this device's keystore otherwise — and runs the one
 * flow (src/flows/install.ts). Key files saved by the caller are recorded as handed over, so a
 * kiosk's Finish no longer asks about them. The agent is loaded only for token storage.
 */
import type { ApplicationRecord } from '@/api/index.ts'
import { installCertificates, type InstallPhase, type InstallResult, type KeyFile } from '@/flows/install.ts'
import { useApplicationsStore } from './applications.ts'
import { useContainersStore } from './containers.ts'
import { useKeyHandoverStore } from './key-handover.ts'

export { INSTALL_PHASES, type InstallPhase, type InstallResult, type KeyFile } from '@/flows/install.ts'

/** Options of {@link installApplication}. */
export interface InstallApplicationOptions {
  readonly application: ApplicationRecord
  /** Token PIN, or the container password for key files; used for this installation only. */
  readonly secret: string
  readonly onPhase: (phase: InstallPhase) => void
  /** Key files only: where the two .p12 files go (a folder the user picked, or downloads). */
  readonly saveFiles: (files: readonly KeyFile[]) => Promise<void>
}

/** Runs the installation of `application` (see the file comment). */
export async function installApplication(options: InstallApplicationOptions): Promise<InstallResult> {
  const { application: app } = options
  const client = useApplicationsStore().client
  if (app.keys.storage === 'token') {
    const { useAgentsStore } = await import('./agents.ts')
    return installCertificates({ application: app, client, signer: useAgentsStore().agentSigner(), secret: options.secret, onPhase: options.onPhase })
  }
  const containers = useContainersStore()
  const handover = useKeyHandoverStore()
  const [signer, keystore] = await Promise.all([containers.useSigner(), containers.useKeystore()])
  return installCertificates({
    application: app,
    client,
    signer,
    secret: options.secret,
    onPhase: options.onPhase,
    keyFiles: {
      keystore,
      save: async (files) => {
        await options.saveFiles(files)
        // The keys now exist outside this browser: deleting them here loses nothing.
        if (app.keys.containerId) handover.markSaved(app.keys.containerId)
      },
    },
  })
}

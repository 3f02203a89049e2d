/**
 * What "My certificates" decides: which dialog is open for which container, the notice after
 * an action (shown and announced), lock/check actions, and loading the list on first visit.
 */
import { onMounted, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import type { CertificateView, ContainerView } from '@/keystore/views.ts'
import { useAppStore } from '@/stores/app.ts'
import { useContainersStore } from '@/stores/containers.ts'
import { useErrorMessage } from './error-message.ts'

/** Dialogs of the page. */
export type CertificatesDialogName = 'import' | 'create' | 'unlock' | 'export' | 'delete' | 'details' | 'rename' | 'change_password'

/** A notice after an action; `kind` picks its style. */
export interface CertificatesNotice {
  readonly kind: 'success' | 'error'
  readonly text: string
}

export function useCertificatesPage() {
  const { t } = useI18n()
  const store = useContainersStore()
  const app = useAppStore()
  const { message } = useErrorMessage({ retryWait: true })

  const dialog = ref<CertificatesDialogName | null>(null)
  const selected = shallowRef<ContainerView | null>(null)
  const selectedCertificate = shallowRef<CertificateView | null>(null)
  const notice = ref<CertificatesNotice | null>(null)
  const busyId = ref<string | null>(null)

  onMounted(() => {
    if (!store.loaded) void store.refresh()
  })

  function show(kind: CertificatesNotice['kind'], text: string): void {
    notice.value = { kind, text }
    app.announce(text)
  }

  /** Opens `name` for `container` (or the certificate for details). */
  function openDialog(name: CertificatesDialogName, container: ContainerView | null = null): void {
    // A notice left from an earlier action would take the focus when this dialog closes.
    notice.value = null
    selected.value = container
    dialog.value = name
  }

  function openDetails(certificate: CertificateView): void {
    notice.value = null
    selectedCertificate.value = certificate
    dialog.value = 'details'
  }

  /** Two-way binding for one dialog's `open` model. */
  function dialogOpen(name: CertificatesDialogName) {
    return {
      get: () => dialog.value === name,
      set: (open: boolean) => {
        if (open) dialog.value = name
        else if (dialog.value === name) dialog.value = null
      },
    }
  }

  function lock(container: ContainerView): void {
    store.lock(container.id)
    show('success', t('certificates.unlock.locked', { name: container.name }))
  }

  async function check(container: ContainerView): Promise<void> {
    busyId.value = container.id
    try {
      const ok = await store.checkKeys(container.id)
      show(ok ? 'success' : 'error', ok ? t('certificates.test.ok') : t('certificates.test.failed'))
    } catch (e) {
      show('error', message(e))
    } finally {
      busyId.value = null
    }
  }

  return {
    store,
    dialog,
    selected,
    selectedCertificate,
    notice,
    busyId,
    show,
    openDialog,
    openDetails,
    dialogOpen,
    lock,
    check,
  }
}

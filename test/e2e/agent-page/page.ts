/**
 * A minimal page (served by the e2e spec on http://localhost through Vite) that uses the PWA's
 * agent client as the PWA will: detect, pair with the code the agent shows, list certificates.
 */
import { QoltanbaAgentSigner } from '../../../src/agents/qoltanba-agent-signer.ts'
import { isQoltanbaError } from '../../../src/core/errors.ts'

const agentUrl = new URLSearchParams(location.search).get('agent') ?? undefined
const signer = new QoltanbaAgentSigner({ url: agentUrl })
const status = document.querySelector('#status') as HTMLElement
const pair = document.querySelector('#pair') as HTMLButtonElement
const form = document.querySelector('#confirm-form') as HTMLFormElement
const code = document.querySelector('#code') as HTMLInputElement
const list = document.querySelector('#certificates') as HTMLUListElement

async function refresh(): Promise<void> {
  const s = await signer.detect()
  status.textContent = s.available ? 'ready' : `unavailable: ${s.reason ?? 'unknown'}`
  pair.hidden = s.available || s.reason !== 'origin-not-approved'
  if (!s.available) return
  const certificates = await signer.listCertificates()
  list.replaceChildren(
    ...certificates.map((c) => {
      const li = document.createElement('li')
      li.textContent = `${c.label ?? '(no label)'} · key ${c.keyId ?? '-'} · ${c.der.length} bytes`
      return li
    }),
  )
}

pair.addEventListener('click', async () => {
  await signer.beginPairing()
  form.hidden = false
  status.textContent = 'type the code the agent shows'
})

form.addEventListener('submit', async (e) => {
  e.preventDefault()
  try {
    await signer.confirmPairing(code.value.trim())
    form.hidden = true
    await refresh()
  } catch (err) {
    status.textContent = isQoltanbaError(err) ? `${err.code} ${String(err.details.attemptsLeft ?? '')}`.trim() : 'error'
  }
})

void refresh()

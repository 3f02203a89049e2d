/** Saving bytes the app made (an exported key file) as a download. */

/** Offers `bytes` as a file named `fileName`. */
export function downloadBytes(bytes: Uint8Array, fileName: string, type = 'application/x-pkcs12'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  // Revoke later: some browsers start reading the blob only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

/** A file name safe on every OS, from a container name. */
export function safeFileName(name: string, extension: string): string {
  const base = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').trim().slice(0, 80) || 'keys'
  return `${base}.${extension}`
}

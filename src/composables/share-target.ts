/**
 * The file shared to the installed PWA ("Share → Qoltanba"): public/share-target-sw.js keeps it in
 * a cache and opens /sign?shared=1; here it is taken out once (and deleted) as a File.
 */
const SHARE_CACHE = 'qoltanba-share-target'
const SHARED_URL = '/sign/shared-document'

/** The shared file, if one is waiting; it is removed from the cache either way. */
export async function takeSharedDocument(): Promise<File | null> {
  if (typeof caches === 'undefined') return null
  const cache = await caches.open(SHARE_CACHE)
  const response = await cache.match(SHARED_URL)
  if (!response) return null
  await cache.delete(SHARED_URL)
  const name = decodeURIComponent(response.headers.get('x-file-name') ?? 'document')
  return new File([await response.blob()], name, { type: response.headers.get('content-type') ?? '' })
}

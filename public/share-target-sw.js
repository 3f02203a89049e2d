/*
 * The PWA's share target (manifest share_target → POST /sign/share, multipart "document"), run
 * inside the service worker before workbox's routes: the shared file is kept in the cache
 * "qoltanba-share-target" (a non-precache cache, so a kiosk wipe removes it) and the app opens
 * /sign?shared=1, which takes it from there (src/composables/share-target.ts) and deletes it.
 * The file never leaves the device.
 */
/* global self, caches */
const SHARE_CACHE = 'qoltanba-share-target'
const SHARED_URL = '/sign/shared-document'

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'POST' || url.origin !== self.location.origin || url.pathname !== '/sign/share') return
  event.respondWith(
    (async () => {
      try {
        const form = await event.request.formData()
        const file = form.get('document')
        if (file && typeof file !== 'string') {
          const cache = await caches.open(SHARE_CACHE)
          await cache.put(
            SHARED_URL,
            new Response(file, { headers: { 'content-type': file.type || 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) } }),
          )
        }
      } catch {
        // Nothing usable was shared: /sign opens empty.
      }
      return Response.redirect('/sign?shared=1', 303)
    })(),
  )
})

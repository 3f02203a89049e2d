/**
 * Loads a lazy route's code ahead of time. The wizard's confirmation page must show even when the
 * network drops on the last step before the service worker has precached everything (a first
 * visit): its chunk — and the CSS of what it shows — is fetched while the person is still
 * answering questions. Failures are ignored: the router loads it again when it is needed.
 */
import { useRouter, type Router } from 'vue-router'

/** Starts loading the components of the named route (no-op for an unknown or eager route). */
export function prefetchRoute(router: Router, name: string): void {
  const record = router.getRoutes().find((r) => r.name === name)
  for (const component of Object.values(record?.components ?? {})) {
    // A lazy route component is a function returning the module's promise; a loaded one is an object.
    if (typeof component === 'function') void (component as () => Promise<unknown>)().catch(() => undefined)
  }
}

/** `prefetchRoute` with the app's router, for a component's setup. */
export function usePrefetchRoute(name: string): void {
  prefetchRoute(useRouter(), name)
}

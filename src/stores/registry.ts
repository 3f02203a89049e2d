/**
 * Keeps track of every store that has been used, so a kiosk session end (or sign-out) can reset
 * them all without knowing each one. Every store must be a setup store with its own `$reset()`.
 */
import type { Pinia, PiniaPluginContext, StoreGeneric } from 'pinia'

const used = new WeakMap<Pinia, Set<StoreGeneric>>()

/** Pinia plugin that records each store when it is first used. */
export function storeRegistry({ pinia, store }: PiniaPluginContext): void {
  let stores = used.get(pinia)
  if (!stores) used.set(pinia, (stores = new Set()))
  stores.add(store)
}

/** Calls `$reset()` on every store used so far; returns the ids reset. */
export function resetAllStores(pinia: Pinia): string[] {
  const ids: string[] = []
  for (const store of used.get(pinia) ?? []) {
    store.$reset()
    ids.push(store.$id)
  }
  return ids
}

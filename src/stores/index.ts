/** Pinia with the store registry installed (see registry.ts). */
import { createPinia } from 'pinia'
import { storeRegistry } from './registry.ts'

export { resetAllStores } from './registry.ts'

/** Creates the app's Pinia instance. */
export function createAppPinia() {
  const pinia = createPinia()
  pinia.use(storeRegistry)
  return pinia
}

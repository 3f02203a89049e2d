/**
 * Runs work that the first paint does not need (service worker registration, the rest of the
 * messages, banners) after the page has loaded, painted and gone idle, so it never competes
 * with it.
 */
import { readonly, ref, type Ref } from 'vue'

/** Schedules `task` after load, the next painted frame and an idle moment (≤ 2 s). */
export function afterFirstPaint(task: () => void): void {
  const idle = () => ('requestIdleCallback' in window ? requestIdleCallback(task, { timeout: 2000 }) : setTimeout(task, 200))
  // A timeout inside an animation frame runs after that frame has been painted.
  const painted = () => requestAnimationFrame(() => setTimeout(idle, 0))
  if (document.readyState === 'complete') painted()
  else window.addEventListener('load', painted, { once: true })
}

/**
 * A flag that turns true after the first paint: render parts of the shell that can appear a
 * moment later (banners, indicators) with `v-if="painted"` to keep them out of the first paint.
 */
export function useAfterFirstPaint(): Readonly<Ref<boolean>> {
  const painted = ref(false)
  afterFirstPaint(() => (painted.value = true))
  return readonly(painted)
}

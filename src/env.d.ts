/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

/** package.json version, defined at build time (vite.config.ts). */
declare const __APP_VERSION__: string
/** Build label (QOLTANBA_BUILD_LABEL or the version), defined at build time. */
declare const __APP_BUILD__: string

interface WindowEventMap {
  'vite:preloadError': Event & { payload: unknown }
}

/** Precompiled message chunks (scripts/vite/locale-chunks.ts). */
declare module 'virtual:qoltanba-locale/*' {
  const messages: Record<string, unknown>
  export default messages
}

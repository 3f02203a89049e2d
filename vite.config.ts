import { readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { VitePWA } from 'vite-plugin-pwa'
import { localeChunks } from './scripts/vite/locale-chunks.ts'
import { jspdfWithoutExtras } from './scripts/vite/jspdf-without-extras.ts'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }
// A label that differs between deploys (the e2e update test builds two labelled versions).
const buildLabel = process.env.QOLTANBA_BUILD_LABEL || pkg.version
// `npm run dev` points the proxy at the API server it starts; default is `npm start`'s port.
const apiTarget = process.env.QOLTANBA_API_URL || 'http://localhost:8080'

/**
 * Message areas (top-level keys of src/i18n/locales/*.json) needed for the first paint of the
 * shell and the home page; every other area arrives in a second chunk right after.
 */
const SHELL_MESSAGE_AREAS = ['app', 'nav', 'a11y', 'language', 'pwa', 'install', 'home', 'placeholder', 'not_found', 'units']

/**
 * Paths served by the Registration Center, never by the SPA (nor its offline fallback): the
 * OpenID Connect provider's /oidc/* (a portal's sign-in resumes there after /authorize/:uid) and
 * discovery under /.well-known too.
 */
const SERVER_PATHS = /^\/(api|ca|crl|ocsp|oidc|\.well-known)(\/|$)/

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
    __APP_BUILD__: JSON.stringify(buildLabel),
    // Composition API only: drops the Options API from Vue's runtime (first-paint budget).
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  plugins: [
    vue(),
    jspdfWithoutExtras(),
    localeChunks({ dir: fileURLToPath(new URL('./src/i18n/locales', import.meta.url)), shellAreas: SHELL_MESSAGE_AREAS }),
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/i18n/locales/**', import.meta.url))],
      // The runtime-only build without the message compiler: messages arrive precompiled (from
      // localeChunks), so a CSP without 'unsafe-eval' works and the first paint stays small.
      runtimeOnly: true,
      dropMessageCompiler: true,
      compositionOnly: true,
      fullInstall: false,
    }),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'favicon.ico', 'apple-touch-icon-180x180.png'],
      manifest: {
        id: '/',
        name: 'Qoltanba — Қолтаңба',
        short_name: 'Qoltanba',
        description: 'Электрондық цифрлық қолтаңба сертификаттары — сертификаты ЭЦП',
        lang: 'kk',
        dir: 'ltr',
        start_url: '/?source=pwa',
        scope: '/',
        display: 'standalone',
        theme_color: '#004c5e',
        background_color: '#f6f8f9',
        categories: ['government', 'utilities'],
        icons: [
          { src: '/pwa-64x64.png', sizes: '64x64', type: 'image/png' },
          { src: '/pwa-192x192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/pwa-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/maskable-icon-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // "Share → Qoltanba" on phones opens /sign with the file (public/share-target-sw.js takes the POST).
        share_target: {
          action: '/sign/share',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: 'document', accept: ['*/*'] }] },
        },
      },
      workbox: {
        // Every route chunk and locale chunk is a .js file in dist/assets: all precached.
        // Fonts too: the application PDF (src/components/application/application-pdf.ts) is made offline.
        globPatterns: ['**/*.{js,css,html,svg,png,ico,webmanifest,ttf}'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [SERVER_PATHS],
        cleanupOutdatedCaches: true,
        // Before workbox's routes: the share target's POST is answered by the service worker itself.
        importScripts: ['/share-target-sw.js'],
      },
      devOptions: { enabled: process.env.SW_DEV === 'true', navigateFallback: 'index.html', type: 'module' },
    }),
  ],
  build: {
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // The framework is needed by every first paint: one chunk compresses better than the
        // fragments automatic splitting makes of it.
        codeSplitting: {
          groups: [{ name: 'framework', test: /node_modules[\\/](vue|@vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/ }],
        },
      },
    },
  },
  server: {
    proxy: Object.fromEntries(['/api', '/ca', '/crl', '/ocsp', '/oidc', '/.well-known'].map((path) => [path, { target: apiTarget, changeOrigin: false }])),
  },
})

import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { VitePWA } from 'vite-plugin-pwa'
import { fileURLToPath, URL } from 'node:url'

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  plugins: [
    vue(),
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/i18n/locales/**', import.meta.url))],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
    }),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: { name: 'Qoltanba', short_name: 'Qoltanba', lang: 'kk' },
    }),
  ],
  server: { proxy: { '/api': 'http://localhost:8080', '/ca': 'http://localhost:8080', '/crl': 'http://localhost:8080', '/ocsp': 'http://localhost:8080' } },
})

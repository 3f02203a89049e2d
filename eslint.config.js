import pluginVue from 'eslint-plugin-vue'
import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'
import globals from 'globals'
import boundaries from 'eslint-plugin-boundaries'

/*
 * The layers of docs/architecture.md#layers, one element per folder, and what each may import —
 * the "may import" lines of the folders' README.md. An import that no line allows fails lint
 * (test/lint-layers.test.ts proves it). Arrows point down only; a folder may use its own files.
 */
const ELEMENTS = [
  { type: 'core', pattern: 'src/core' },
  { type: 'pki', pattern: 'src/pki' },
  { type: 'verifier', pattern: 'src/verifier' },
  { type: 'api', pattern: 'src/api' },
  { type: 'agents', pattern: 'src/agents' },
  { type: 'keystore', pattern: 'src/keystore' },
  { type: 'kiosk', pattern: 'src/kiosk' },
  { type: 'i18n', pattern: 'src/i18n' },
  { type: 'flows', pattern: 'src/flows' },
  { type: 'stores', pattern: 'src/stores' },
  { type: 'composables', pattern: 'src/composables' },
  { type: 'ui', pattern: 'src/components/ui' },
  { type: 'components', pattern: 'src/components' },
  { type: 'views', pattern: 'src/views' },
  { type: 'router', pattern: 'src/router' },
  { type: 'styles', pattern: 'src/styles' },
  { type: 'app', pattern: 'src/*.{ts,vue}', partialMatch: false },
  { type: 'server', pattern: 'server' },
  { type: 'agent', pattern: 'agent' },
]

/** What each element may import besides its own files (README "may import" lines). */
const MAY_IMPORT = {
  core: [],
  pki: ['core'],
  verifier: ['pki', 'core'],
  // The API client is in the first-paint bundle, so it stays on core (src/api/README.md).
  api: ['core'],
  agents: ['pki', 'core'],
  keystore: ['pki', 'core'],
  kiosk: ['core'],
  i18n: [],
  flows: ['keystore', 'agents', 'api', 'verifier', 'pki', 'core'],
  stores: ['flows', 'keystore', 'agents', 'api', 'verifier', 'pki', 'core', 'kiosk', 'i18n'],
  // Composables sit beside components: they decide for them, so they may call flows too.
  composables: ['stores', 'flows', 'keystore', 'agents', 'api', 'verifier', 'pki', 'core', 'kiosk', 'i18n'],
  // Shared widgets know no feature and no app state.
  ui: ['composables', 'styles'],
  // Components call stores and composables, never a flow (src/flows/README.md); they may read
  // the lower layers' types and pure helpers.
  components: ['ui', 'composables', 'stores', 'keystore', 'agents', 'api', 'verifier', 'pki', 'core', 'kiosk', 'i18n', 'router', 'styles'],
  views: ['components', 'ui', 'composables', 'stores', 'core', 'i18n', 'styles'],
  router: ['views', 'stores', 'composables', 'core', 'i18n'],
  app: ['components', 'ui', 'composables', 'stores', 'router', 'i18n', 'kiosk', 'core', 'styles', 'views'],
  server: ['pki', 'verifier', 'core'],
  agent: ['pki', 'core'],
}

/**
 * Packages the pure layers may import (their READMEs); no other package and no Node built-in,
 * so they run unchanged in browsers, workers, the server and the agent. Folders not listed here
 * may import any package.
 */
const MAY_USE_PACKAGES = {
  core: [],
  pki: ['pkijs', 'asn1js', '@noble/hashes', '@noble/curves', 'node-forge'],
  verifier: ['pkijs', 'asn1js'],
  api: ['idb'],
  agents: [],
  keystore: ['idb'],
  flows: [],
}

/** Imports the layers do not allow, each allowed on its own with the reason. Keep this list short. */
const EXCEPTIONS = [
  {
    // The CLI (`qoltanba operator sign-in`) is a client of the sign-in API, as the PWA is: it
    // speaks it through the PWA's own client instead of a second copy that could drift from it.
    // auth-client.ts needs only src/core and fetch, so nothing of the browser comes along.
    from: { element: { type: 'server' }, file: { path: 'server/cli/**' } },
    allow: { to: { file: { path: 'src/api/auth-client.ts' } } },
  },
]

export default defineConfigWithVueTs(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**', 'dev-dist/**'] },
  pluginVue.configs['flat/recommended'],
  vueTsConfigs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      'vue/multi-word-component-names': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['warn', { allow: ['warn', 'error', 'info'] }],
    },
  },
  {
    files: ['src/**/*.{ts,vue}', 'server/**/*.ts', 'agent/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'import/resolver': { typescript: { project: ['tsconfig.app.json', 'tsconfig.node.json'], noWarnOnMultipleProjects: true } },
    },
    rules: {
      'boundaries/dependencies': ['error', {
        default: 'disallow',
        // Packages and Node built-ins are checked too, and so is an import of a file of ours
        // that belongs to no layer (test/, scripts/): src, server and agent never need one.
        checkAllOrigins: true,
        checkUnknownLocals: true,
        policies: [
          ...Object.entries(MAY_IMPORT).map(([type, allowed]) => ({
            from: { element: { type } },
            allow: { to: { element: { type: [type, ...allowed] } } },
          })),
          {
            from: { element: { type: Object.keys(MAY_IMPORT).filter((type) => !(type in MAY_USE_PACKAGES)) } },
            allow: { to: { module: { origin: ['external', 'core'] } } },
          },
          ...Object.entries(MAY_USE_PACKAGES)
            .filter(([, packages]) => packages.length > 0)
            .map(([type, packages]) => ({ from: { element: { type } }, allow: { to: { module: { source: packages } } } })),
          ...EXCEPTIONS,
        ],
      }],
    },
  },
)

/**
 * The layer rules of eslint.config.js (docs/architecture.md#layers) bite: a snippet linted as if
 * it lived in one folder fails when it imports a folder above it or a package its README does
 * not allow, and passes when the import goes down. The snippets import real files, so the
 * resolver sees the same paths `npm run lint` does.
 */
import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const eslint = new ESLint({ cwd: root })

/**
 * The layer-rule messages ESLint gives a file at `filePath` (relative to the repository) that
 * imports `source` — a .ts module, or a .vue component's script.
 */
async function layerErrors(filePath: string, source: string): Promise<string[]> {
  const importLine = `import * as imported from '${source}'`
  const code = filePath.endsWith('.vue')
    ? `<script setup lang="ts">\n${importLine}\nconsole.info(imported)\n</script>\n`
    : `${importLine}\nexport const used = imported\n`
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message)
}

describe('layer rules (npm run lint)', () => {
  it.each([
    ['src/pki/x.ts', '../stores/containers.ts', 'pki', 'stores'],
    ['src/core/x.ts', '../pki/index.ts', 'core', 'pki'],
    ['src/kiosk/x.ts', '@/stores/registry.ts', 'kiosk', 'stores'],
    ['src/flows/x.ts', '@/stores/containers.ts', 'flows', 'stores'],
    ['src/api/x.ts', '../keystore/index.ts', 'api', 'keystore'],
    ['src/api/x.ts', '../pki/oids.ts', 'api', 'pki'],
    ['src/agents/x.ts', '../keystore/index.ts', 'agents', 'keystore'],
    ['src/agents/x.ts', '../api/index.ts', 'agents', 'api'],
    ['src/components/certificates/X.vue', '@/flows/install.ts', 'components', 'flows'],
    ['src/components/ui/X.vue', '@/stores/app.ts', 'ui', 'stores'],
    ['agent/x.ts', '../src/keystore/index.ts', 'agent', 'keystore'],
    ['server/ca/x.ts', '../../src/api/auth-client.ts', 'server', 'api'],
  ])('%s may not import %s', async (filePath, code, from, to) => {
    const errors = await layerErrors(filePath, code)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`type "${from}" to elements of type "${to}"`)
  })

  it.each([
    ['src/core/x.ts', 'idb', 'idb'],
    ['src/pki/x.ts', 'vue', 'vue'],
    ['src/flows/x.ts', 'pinia', 'pinia'],
    ['src/verifier/x.ts', 'node:crypto', 'node:crypto'],
  ])('%s may not use the package %s', async (filePath, code, source) => {
    const errors = await layerErrors(filePath, code)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`module source "${source}"`)
  })

  it('refuses an import of a file of ours outside every layer', async () => {
    expect(await layerErrors('src/core/x.ts', '../../test/lint-layers.test.ts')).toHaveLength(1)
  })

  it.each([
    ['src/pki/x.ts', '../core/errors.ts'],
    ['src/pki/x.ts', 'pkijs'],
    ['src/verifier/x.ts', '../pki/index.ts'],
    ['src/flows/x.ts', '@/keystore/index.ts'],
    ['src/agents/x.ts', '../pki/oids.ts'],
    ['src/agents/x.ts', '../core/signer.ts'],
    ['src/stores/x.ts', '@/flows/install.ts'],
    ['src/components/certificates/X.vue', '@/stores/containers.ts'],
    ['src/components/certificates/X.vue', '@/components/ui/UiPasswordField.vue'],
    ['src/views/X.vue', '@/components/app/AppNav.vue'],
    ['agent/x.ts', '../src/pki/index.ts'],
    ['server/ca/x.ts', '../../src/verifier/index.ts'],
    ['server/ca/x.ts', 'node:crypto'],
    // The one documented exception: the CLI speaks the sign-in API through the PWA's client.
    ['server/cli/x.ts', '../../src/api/auth-client.ts'],
  ])('%s may import %s', async (filePath, code) => {
    expect(await layerErrors(filePath, code)).toEqual([])
  })

  it('keeps the exception to the one file: the CLI may not import the rest of src/api', async () => {
    expect(await layerErrors('server/cli/x.ts', '../../src/api/index.ts')).toHaveLength(1)
  })
})

/**
 * `npm run lint:cycles` (dependency-cruiser, .dependency-cruiser.cjs) fails on an import cycle,
 * also one that runs through a .vue component, and passes on the real tree.
 */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Runs the same command as `npm run lint:cycles` on `paths`. */
function cruise(...paths: string[]) {
  const run = spawnSync('npx', ['depcruise', ...paths, '--config', '.dependency-cruiser.cjs'], { cwd: root, encoding: 'utf8' })
  return { status: run.status, output: run.stdout + run.stderr }
}

describe('import cycles (npm run lint:cycles)', () => {
  it('fails on a cycle between a component and a module', () => {
    const { status, output } = cruise('test/fixtures/import-cycle')
    expect(status).not.toBe(0)
    expect(output).toContain('no-circular')
    expect(output).toContain('CycleCard.vue')
  })

  it('finds none in src, server and agent', () => {
    const { status, output } = cruise('src', 'server', 'agent')
    expect(output).toContain('no dependency violations found')
    expect(status).toBe(0)
  })
})

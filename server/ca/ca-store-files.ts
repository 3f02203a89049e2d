/** The CA store of the embedded mode: files in DATA_DIR/ca (see ca-store.ts). */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ServerConfig } from '../config.ts'
import type { CaFile, CaStore } from './ca-store.ts'

export function caDir(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'ca')
}

/** Replaces `path` atomically (a temporary file renamed over it). */
export function writeAtomic(path: string, data: string | Buffer, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, data, { mode })
  renameSync(tmp, path)
}

/** Replaces DATA_DIR/ca/<name> atomically (tests plant files with it). */
export function writeCaFile(config: Pick<ServerConfig, 'dataDir'>, name: string, data: string | Buffer): void {
  writeAtomic(join(caDir(config), name), data)
}

export function fileCaStore(dir: string): CaStore {
  const write = (files: readonly CaFile[]): void => {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    for (const f of files) writeAtomic(join(dir, f.name), f.data, f.secret ? 0o600 : 0o644)
  }
  return {
    kind: 'files',
    where: dir,
    dir,
    async read(name) {
      try {
        return readFileSync(join(dir, name))
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw e
      }
    },
    async list() {
      try {
        return readdirSync(dir)
      } catch {
        return []
      }
    },
    async write(files) {
      write(files)
    },
    async create(files, replacing = []) {
      if (files.some((f) => existsSync(join(dir, f.name)))) return false
      write(replacing)
      write(files)
      return true
    },
  }
}

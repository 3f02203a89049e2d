/**
 * Moving a DATA_DIR/ca hierarchy into the database (`qoltanba ca import-files`, and the first
 * start of an instance on DATABASE_URL whose DATA_DIR still holds one): manifest.json, the
 * certificates (current and former), the encrypted key files and root.crl become rows of
 * ca_files (ca-store-db.ts). Never DATA_DIR/ca/passphrase: keys encrypted with a development
 * hierarchy's passphrase file are re-encrypted with CA_KEY_PASSPHRASE, which every instance then
 * needs. Idempotent: importing the hierarchy the database already holds changes nothing; another
 * one is refused.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from '../db/schema.ts'
import type { CaFile, CaStore } from './ca-store.ts'
import { databaseCaStore } from './ca-store-db.ts'
import { caDir, fileCaStore } from './ca-store-files.ts'
import { decryptKeyPem, encryptKeyToPem, DEFAULT_KEY_ITERATIONS } from './key-file.ts'
import {
  hierarchyExists, ISSUING_NAME, OCSP_NAME, PASSPHRASE_FILE, readCertificate, readManifest, ROOT_NAME, type CaConfig,
} from './hierarchy.ts'
import { certificateParts } from './x509-build.ts'

/**
 * Thrown at start-up with DATABASE_URL set when the database holds no hierarchy and DATA_DIR/ca
 * none to import; main.ts prints its message and exits with 2.
 */
export class CaHierarchyMissingError extends Error {
  readonly code = 'CA_HIERARCHY_MISSING'
  constructor() {
    super(
      'CA_HIERARCHY_MISSING: no CA hierarchy in the database. With DATABASE_URL set the CA (manifest, certificates, encrypted keys) ' +
        'lives in the database, and this instance\'s DATA_DIR/ca has none to import. Run `qoltanba ca import-files` where the existing ' +
        'DATA_DIR/ca is, or `qoltanba ca init` for a new hierarchy, then start again.',
    )
  }
}

/** The files of a hierarchy: the manifest, <role>.pem, <role>.key, <role>-<serial>.pem, root.crl. */
const HIERARCHY_FILE = /^(manifest\.json|[a-z]+\.(pem|key)|[a-z]+-[0-9a-f]+\.pem|root\.crl)$/

export interface ImportOptions {
  /** The directory to import (default DATA_DIR/ca). */
  readonly from?: string
  /** PBKDF2 iterations of re-encrypted keys (tests lower it; default 600,000). */
  readonly keyIterations?: number
}

export interface ImportResult {
  /** False when the database already held this very hierarchy (nothing changed). */
  readonly imported: boolean
  readonly from: string
  /** Names stored in ca_files. */
  readonly files: readonly string[]
  /** Key files that were encrypted with DATA_DIR/ca/passphrase and now are with CA_KEY_PASSPHRASE. */
  readonly reencrypted: readonly string[]
}

/** A key file as the database keeps it: encrypted with CA_KEY_PASSPHRASE. */
function keyForDatabase(config: CaConfig, dir: string, name: string, pem: string, iterations: number): { pem: string; reencrypted: boolean } {
  const pass = config.caKeyPassphrase
  if (!pass) throw new Error('set CA_KEY_PASSPHRASE (or CA_KEY_PASSPHRASE_FILE): the CA keys in the database open with it on every instance')
  try {
    decryptKeyPem(pem, pass)
    return { pem, reencrypted: false }
  } catch {
    // Not this passphrase: perhaps a development hierarchy's own passphrase file.
  }
  const file = join(dir, PASSPHRASE_FILE)
  if (existsSync(file)) {
    try {
      const key = decryptKeyPem(pem, readFileSync(file, 'utf8').trim())
      return { pem: encryptKeyToPem(key, pass, iterations), reencrypted: true }
    } catch {
      // Neither.
    }
  }
  throw new Error(`cannot decrypt ${join(dir, name)} with CA_KEY_PASSPHRASE${existsSync(file) ? ` nor with ${file}` : ''}`)
}

/** True when `a` and `b` hold the same root and issuing CA certificates. */
async function sameHierarchy(a: CaStore, b: CaStore): Promise<boolean> {
  for (const role of [ROOT_NAME, ISSUING_NAME] as const) {
    const [x, y] = await Promise.all([readCertificate(a, role), readCertificate(b, role)])
    if (!x || !y || !x.equals(y)) return false
  }
  return true
}

/** Refuses a database whose ca_authorities records another root key (it served another CA). */
async function checkRecordedRoot(db: Db, source: CaStore): Promise<void> {
  const row = await db.selectFrom('ca_authorities').select('certificate').where('name', '=', ROOT_NAME).executeTakeFirst()
  const root = await readCertificate(source, ROOT_NAME)
  if (row && root && !certificateParts(row.certificate).spki.equals(certificateParts(root).spki)) {
    throw new Error(`the database belongs to another CA: its recorded root certificate has a different key than ${source.where}/root.pem`)
  }
}

/**
 * Copies the hierarchy in `options.from` (default DATA_DIR/ca) into the database's ca_files in
 * one transaction. Checks every certificate the hierarchy needs is there and every key opens with
 * CA_KEY_PASSPHRASE (re-encrypting from a development passphrase file); the caller loads it after.
 */
export async function importCaFiles(config: CaConfig, db: Db, options: ImportOptions = {}): Promise<ImportResult> {
  const from = options.from ?? caDir(config)
  const source = fileCaStore(from)
  if (!(await hierarchyExists(source))) throw new Error(`no CA hierarchy in ${from} (no manifest.json)`)
  const manifest = await readManifest(source)
  const target = databaseCaStore(db)
  await checkRecordedRoot(db, source)
  const names = (await source.list()).filter((n) => HIERARCHY_FILE.test(n)).sort()
  for (const role of [ROOT_NAME, ISSUING_NAME, OCSP_NAME]) {
    if (!names.includes(`${role}.pem`)) throw new Error(`${role}.pem is missing from ${from}`)
    if (manifest.keyStore === 'file' && !names.includes(`${role}.key`)) throw new Error(`${role}.key is missing from ${from}`)
  }
  const refuse = () => new Error(`the database already holds another CA hierarchy (or part of one) than ${from}: nothing imported`)
  if (await hierarchyExists(target)) {
    if (await sameHierarchy(source, target)) return { imported: false, from, files: [], reencrypted: [] }
    throw refuse()
  }
  const files: CaFile[] = []
  const reencrypted: string[] = []
  for (const name of names) {
    const data = (await source.read(name)) as Buffer
    if (!name.endsWith('.key')) {
      files.push({ name, data })
      continue
    }
    const key = keyForDatabase(config, from, name, data.toString('utf8'), options.keyIterations ?? DEFAULT_KEY_ITERATIONS)
    if (key.reencrypted) reencrypted.push(name)
    files.push({ name, data: key.pem, secret: true })
  }
  if (!(await target.create(files))) {
    // Another import of the same files won the race, or the rows belong to something else.
    if ((await hierarchyExists(target)) && (await sameHierarchy(source, target))) return { imported: false, from, files: [], reencrypted: [] }
    throw refuse()
  }
  return { imported: true, from, files: names, reencrypted }
}

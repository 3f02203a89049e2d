/**
 * The person registry: IIN → name. In Kazakhstan this is the State Database "Individuals"
 * (ГБД ФЛ); the service only needs `lookup`, so any source can sit behind this interface.
 */
import { readFileSync } from 'node:fs'
import { checkIin } from '../../src/pki/iin.ts'
import { ApiError, ApiErrorCode } from '../errors.ts'

/** A person's name as the registry knows it (NCA subjects are upper-case Cyrillic). */
export interface PersonName {
  readonly surname: string
  readonly name: string
  /** Patronymic; null when the person has none. Goes to the certificate's GIVENNAME. */
  readonly patronymic: string | null
}

/** Where names come from. Implementations must not throw for unknown IINs: return null. */
export interface PersonRegistry {
  lookup(iin: string): Promise<PersonName | null>
}

interface RegistryFile {
  persons: Array<{ iin: string; surname: string; name: string; patronymic?: string | null }>
}

/**
 * A registry held in a JSON file `{ "persons": [{ "iin", "surname", "name", "patronymic" }] }`,
 * read once at start. Entries with an invalid IIN are refused at load so mistakes surface early.
 */
export class JsonFileRegistry implements PersonRegistry {
  private readonly persons = new Map<string, PersonName>()

  constructor(path: string) {
    let data: RegistryFile
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as RegistryFile
    } catch (e) {
      throw new Error(`person registry ${path} is not readable JSON: ${(e as Error).message}`, { cause: e })
    }
    if (!Array.isArray(data?.persons)) throw new Error(`person registry ${path} has no "persons" array`)
    for (const p of data.persons) {
      if (typeof p.iin !== 'string' || !checkIin(p.iin).valid) throw new Error(`person registry ${path}: invalid IIN "${String(p.iin)}"`)
      if (typeof p.surname !== 'string' || typeof p.name !== 'string') throw new Error(`person registry ${path}: entry ${p.iin} lacks surname/name`)
      this.persons.set(p.iin, { surname: p.surname, name: p.name, patronymic: p.patronymic ?? null })
    }
  }

  async lookup(iin: string): Promise<PersonName | null> {
    return this.persons.get(iin) ?? null
  }

  /** Number of persons loaded. */
  get size(): number {
    return this.persons.size
  }
}

/**
 * `registry.lookup` with outages turned into 503 ERR_REGISTRY_UNAVAILABLE (an unreachable
 * registry is not the applicant's fault, and not a bug either).
 */
export async function lookupPerson(registry: PersonRegistry, iin: string): Promise<PersonName | null> {
  try {
    return await registry.lookup(iin)
  } catch (e) {
    throw Object.assign(new ApiError(503, ApiErrorCode.RegistryUnavailable, 'the person registry is not available, try again later'), { cause: e })
  }
}

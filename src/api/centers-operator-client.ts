/**
 * The operator console's directory editing (/api/v1/operator/centers), behind the sign-in
 * session cookie like operator-client.ts. Refusals are QoltanbaError with the server's code and,
 * for ERR_CENTER_INVALID, `details.field` and `details.rule` (src/core/centers-wire.ts).
 */
import type { CenterFields, RegistrationCenter } from '../core/centers-wire.ts'
import { apiError, unreachable } from './api-response.ts'
import type { ApiClientOptions } from './client.ts'

/** What an update may change: any field but the id. */
export type CenterChanges = Partial<Omit<CenterFields, 'id'>>

export interface CentersOperatorClient {
  /** Every center, deactivated ones included. */
  list(): Promise<RegistrationCenter[]>
  create(center: Omit<CenterFields, 'active'>): Promise<RegistrationCenter>
  update(id: string, changes: CenterChanges): Promise<RegistrationCenter>
}

export function createCentersOperatorClient(options: ApiClientOptions = {}): CentersOperatorClient {
  const base = options.baseUrl ?? ''
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))

  async function json<T>(path: string, method: 'GET' | 'POST' | 'PATCH' = 'GET', body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await doFetch(`${base}/api/v1/operator/centers${path}`, {
        method,
        credentials: 'same-origin',
        cache: 'no-store',
        ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      })
    } catch (e) {
      throw unreachable(e)
    }
    if (!response.ok) throw await apiError(response, ['field', 'rule'])
    try {
      return (await response.json()) as T
    } catch (e) {
      throw unreachable(e)
    }
  }

  return {
    async list() {
      return (await json<{ centers: RegistrationCenter[] }>('')).centers
    },
    async create(center) {
      return (await json<{ center: RegistrationCenter }>('', 'POST', center)).center
    },
    async update(id, changes) {
      return (await json<{ center: RegistrationCenter }>(`/${encodeURIComponent(id)}`, 'PATCH', changes)).center
    },
  }
}

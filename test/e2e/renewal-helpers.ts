/**
 * Helpers of the renewal specs (renewal.spec.ts, renewal-token.spec.ts): a console server of the
 * spec's own, started for tests so its clock moves (QOLTANBA_TEST_CLOCK=1 with NODE_ENV=test,
 * server/clock.ts) with the default renewal policy, and the move itself.
 */
import { test as base, expect, startConsoleServer, type ConsoleServer } from './operator-fixtures.ts'

/** `test` with a `renewalServer` worker fixture (the shared console server keeps the real time). */
export const test = base.extend<object, { renewalServer: ConsoleServer }>({
  renewalServer: [
    async ({}, use) => {
      const server = await startConsoleServer({ QOLTANBA_TEST_CLOCK: '1', NODE_ENV: 'test' })
      await use(server)
      await server.stop()
    },
    { scope: 'worker', timeout: 180_000 },
  ],
})

/** Moves the server's clock (PUT /api/v1/test/clock, operator session); answers after the due jobs ran. */
export async function moveServerClock(server: ConsoleServer, offsetDays: number): Promise<void> {
  const response = await fetch(`${server.url}/api/v1/test/clock`, {
    method: 'PUT',
    headers: { cookie: server.operatorCookie, 'content-type': 'application/json' },
    body: JSON.stringify({ offsetDays }),
  })
  expect(response.status, await response.text()).toBe(200)
}

/**
 * Submits an application for `iin` (OpenSSL keys; storage as given) and approves it with the
 * server's clock 335 days back, so its one-year certificates end 30 days after the approval.
 */
export async function pairEndingIn30Days(server: ConsoleServer, iin: string, storage: 'file' | 'token' = 'file') {
  const application = await server.submit(iin, storage)
  await moveServerClock(server, -335)
  try {
    await server.approve(application.number)
  } finally {
    await moveServerClock(server, 0)
  }
  const { certificates } = await server.certificates(application)
  return { application, sign: certificates.find((c) => c.purpose === 'sign')!, auth: certificates.find((c) => c.purpose === 'auth')! }
}

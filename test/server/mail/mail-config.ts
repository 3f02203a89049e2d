/** Mail settings for tests: the given relay, no automatic loop (the tests tick the sender), fast retries. */
import { loadMailConfig, type MailConfig } from '../../../server/mail/config.ts'

export function testMailConfig(smtpUrl: string | undefined, over: Partial<MailConfig> = {}): MailConfig & { start: false } {
  return { ...loadMailConfig({}), smtpUrl, retryBaseMs: 1000, maxAttempts: 5, ...over, start: false }
}

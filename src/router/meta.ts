/** Types shared by route definitions. */
import type { PickupPaths } from 'vue-i18n'
import type { MessageSchema } from '@/i18n/schema.ts'

/** Any message key of the schema, e.g. 'nav.home'. */
export type MessageKey = PickupPaths<MessageSchema>

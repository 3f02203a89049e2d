/**
 * The help pages around the service, in the order the help index and the "related" list show
 * them. Routes (src/router/routes.ts) name the same paths; titles and summaries live in the
 * `help` message area under each page's key.
 */

/** One help page: its path and its key under `help.` (title, summary). */
export interface HelpPageLink {
  readonly path: string
  readonly key: HelpPageKey
}

/** The help pages' message keys. */
export type HelpPageKey = 'agent' | 'storage' | 'contacts' | 'feedback' | 'privacy' | 'accessibility'

export const HELP_PAGES: readonly HelpPageLink[] = [
  { path: '/help/storage', key: 'storage' },
  { path: '/help/agent', key: 'agent' },
  { path: '/help/contacts', key: 'contacts' },
  { path: '/help/feedback', key: 'feedback' },
  { path: '/help/privacy', key: 'privacy' },
  { path: '/help/accessibility', key: 'accessibility' },
]

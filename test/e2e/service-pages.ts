/** The pages around the wizard (start page and help), for the a11y and service-pages specs. */
export const SERVICE_PAGES = [
  '/get-certificate',
  '/help',
  '/help/storage',
  '/help/agent',
  '/help/contacts',
  '/help/feedback',
  '/help/privacy',
  '/help/accessibility',
] as const

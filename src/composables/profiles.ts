/** Legal-entity profiles the server issues (server/profiles/profiles.ts), in the order offered. */
export const LEGAL_PROFILE_IDS = ['legal_head', 'legal_signer', 'legal_finance', 'legal_hr', 'legal_employee'] as const

/** ISO 3166-2 codes of the 17 regions and 3 cities of republican significance (docs/kazakhstan-data.md#regions). */
export const REGION_CODES = [
  'KZ-71', 'KZ-75', 'KZ-79', 'KZ-10', 'KZ-11', 'KZ-15', 'KZ-19', 'KZ-23', 'KZ-27', 'KZ-31',
  'KZ-33', 'KZ-35', 'KZ-39', 'KZ-43', 'KZ-47', 'KZ-55', 'KZ-59', 'KZ-61', 'KZ-62', 'KZ-63',
] as const

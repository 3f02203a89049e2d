/**
 * Regions where an application is confirmed: the 17 oblasts and 3 cities of republican
 * significance by ISO 3166-2 code (docs/kazakhstan-data.md#regions). Names are the UI's business.
 */
export const REGION_CODES: readonly string[] = [
  'KZ-71', 'KZ-75', 'KZ-79', 'KZ-10', 'KZ-11', 'KZ-15', 'KZ-19', 'KZ-23', 'KZ-27', 'KZ-31',
  'KZ-33', 'KZ-35', 'KZ-39', 'KZ-43', 'KZ-47', 'KZ-55', 'KZ-59', 'KZ-61', 'KZ-62', 'KZ-63',
]

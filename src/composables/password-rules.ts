/** Rules for a container password and a simple strength estimate for the meter. */

/** Shortest accepted password. */
export const MIN_PASSWORD_LENGTH = 8

/** The rule a password breaks first, or null when it passes. */
export function passwordProblem(password: string): 'too_short' | 'needs_letter_and_digit' | null {
  if (password.length < MIN_PASSWORD_LENGTH) return 'too_short'
  if (!/\p{L}/u.test(password) || !/\d/.test(password)) return 'needs_letter_and_digit'
  return null
}

/**
 * 0 (empty) … 4 (strong), from length and character classes. A hint for the user, not a
 * guarantee: it rewards length most, as guessing cost does.
 */
export function passwordStrength(password: string): 0 | 1 | 2 | 3 | 4 {
  if (!password) return 0
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\d/, /[^\p{L}\d]/u].filter((r) => r.test(password)).length
  let score = 1
  if (password.length >= MIN_PASSWORD_LENGTH && classes >= 2) score = 2
  if (password.length >= 12 && classes >= 3) score = 3
  if (password.length >= 16 && classes >= 3) score = 4
  if (new Set(password).size <= 3) score = 1
  return score as 0 | 1 | 2 | 3 | 4
}

/**
 * The one rule for a password someone chooses (wizard, new container, password change, a key file
 * that had none, an export's file password), after NIST SP 800-63B §5.1.1.2: at least 8
 * characters, not a password known from breaches, and not easy to guess (zxcvbn score ≥ 3 of 4)
 * — no "letters and digits" composition rule, so a long passphrase passes. The estimator loads
 * lazily (password-estimator.ts); its feedback comes back as codes that our locale files
 * translate (password.warnings.*, password.suggestions.*), since zxcvbn speaks only English.
 */

/** Shortest accepted password. */
export const MIN_PASSWORD_LENGTH = 8

/** Lowest accepted zxcvbn score (0 … 4): 3 is "safely unguessable" (~10¹⁰ guesses). */
export const MIN_PASSWORD_SCORE = 3

/** Why a new password is refused. */
export type PasswordProblem = 'too_short' | 'common' | 'weak'

/** zxcvbn's warning codes (what makes the password guessable), translated as password.warnings.<code>. */
export const PASSWORD_WARNINGS = [
  'straightRow', 'keyPattern', 'simpleRepeat', 'extendedRepeat', 'sequences', 'recentYears', 'dates',
  'topTen', 'topHundred', 'common', 'similarToCommon', 'wordByItself', 'namesByThemselves', 'commonNames',
  'userInputs', 'pwned',
] as const
/** zxcvbn's suggestion codes, translated as password.suggestions.<code>. */
export const PASSWORD_SUGGESTIONS = [
  'l33t', 'reverseWords', 'allUppercase', 'capitalization', 'dates', 'recentYears', 'associatedYears',
  'sequences', 'repeated', 'longerKeyboardPattern', 'anotherWord', 'useWords', 'noNeed', 'pwned',
] as const
export type PasswordWarning = (typeof PASSWORD_WARNINGS)[number]
export type PasswordSuggestion = (typeof PASSWORD_SUGGESTIONS)[number]

/** What the estimator says about a password, in codes (no English text). */
export interface PasswordVerdict {
  /** 0 (empty) … 4 (strong) for the meter. */
  readonly score: 0 | 1 | 2 | 3 | 4
  /** The first rule it breaks, or null when it is accepted. */
  readonly problem: PasswordProblem | null
  readonly warning: PasswordWarning | null
  readonly suggestions: readonly PasswordSuggestion[]
}

/** Warnings that mean "this is (close to) a password from the breach lists". */
const COMMON_WARNINGS: ReadonlySet<string> = new Set(['topTen', 'topHundred', 'common', 'similarToCommon', 'pwned'])

const known = <T extends string>(list: readonly T[], code: string | null): code is T => code !== null && (list as readonly string[]).includes(code)

/**
 * Judges a new password. `userInputs` (the person's name, IIN, e-mail) count as easy guesses.
 * @example `(await judgePassword('password1')).problem === 'common'`
 */
export async function judgePassword(password: string, userInputs: readonly string[] = []): Promise<PasswordVerdict> {
  if (!password) return { score: 0, problem: 'too_short', warning: null, suggestions: [] }
  const { estimate, BREACHED_DICTIONARY } = await import('./password-estimator.ts')
  const result = estimate(password, userInputs)
  const warning = known(PASSWORD_WARNINGS, result.feedback.warning) ? result.feedback.warning : null
  const suggestions = result.feedback.suggestions.filter((s): s is PasswordSuggestion => known(PASSWORD_SUGGESTIONS, s))
  // The whole password is one entry of the breach list (also capitalized, reversed or in l33t).
  const breached = result.sequence.length === 1 && result.sequence[0]?.pattern === 'dictionary'
    && result.sequence[0].dictionaryName === BREACHED_DICTIONARY
  const problem: PasswordProblem | null = password.length < MIN_PASSWORD_LENGTH ? 'too_short'
    : breached || (warning !== null && COMMON_WARNINGS.has(warning)) ? 'common'
      : result.score < MIN_PASSWORD_SCORE ? 'weak'
        : null
  // The meter never shows "strong" for a refused password.
  const score = Math.max(1, problem ? Math.min(result.score, 2) : result.score) as PasswordVerdict['score']
  return { score, problem, warning, suggestions }
}

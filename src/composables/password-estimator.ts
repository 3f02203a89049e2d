/**
 * The password-strength estimator (zxcvbn-ts with its common-password and keyboard-pattern data,
 * ~170 KB gzip). Only password-rules.ts imports this file, with import(), so the estimator loads
 * when someone first types a new password — never in the first paint.
 */
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core'
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common'

/** zxcvbn's dictionary of passwords seen in breaches (language-common's 'passwords-common'). */
export const BREACHED_DICTIONARY = 'passwords-common'

// No `translations`: zxcvbn then returns its warning and suggestion codes, which we translate.
const estimator = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, useLevenshteinDistance: true })

/** zxcvbn's verdict on `password`; `userInputs` (name, IIN…) count as guessable words. */
export function estimate(password: string, userInputs: readonly string[] = []): ZxcvbnResult {
  return estimator.check(password, [...userInputs])
}

/**
 * A validation message for one field; `field` is the input's id (the summary links to it).
 * Without `field` it is a problem of the whole page (a failed sign-in, the server unreachable).
 */
export interface FieldError {
  readonly field?: string
  readonly message: string
}

/** The message for `field` in a list, or undefined. */
export function errorFor(errors: readonly FieldError[], field: string): string | undefined {
  return errors.find((e) => e.field === field)?.message
}

/** Message key of a revocation reason: RFC 5280 names are camelCase, message keys snake_case. */
export function reasonKey(reason: string): string {
  return reason.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

/**
 * Lists shown to people (regions, registration centers) are sorted in the reader's language:
 * Russian readers expect «Абайская, Акмолинская, Актюбинская…», Kazakh readers «Абай, Ақмола,
 * Ақтөбе…» with ә, ғ, қ … in their Kazakh places. Intl.Collator knows both orders, so a list
 * is never left in the order of whichever language the data was written in.
 */

/** `items` in a new array sorted by `label(item)` with the collation of `locale` (e.g. 'ru', 'kk'). */
export function sortByLabel<T>(items: readonly T[], label: (item: T) => string, locale: string): T[] {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true })
  return items
    .map((item) => ({ item, key: label(item) }))
    .sort((a, b) => collator.compare(a.key, b.key))
    .map(({ item }) => item)
}

/**
 * The names uploaders can write a KPI, dimension or dimension value as. Every id, English
 * name, Chinese name and alias is one; they are compared in `foldName`'s form, and the
 * schema rejects a name that would point to two things, so a lookup is never ambiguous.
 */

/** All names something can be written as: id, English and Chinese name, aliases. */
export function namesOf(item: {
  readonly id: string;
  readonly name: { readonly en: string; readonly zh: string };
  readonly aliases?: readonly string[];
}): string[] {
  return [item.id, item.name.en, item.name.zh, ...(item.aliases ?? [])];
}

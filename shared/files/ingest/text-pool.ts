/**
 * Distinct texts by index: a file repeats a few KPIs, periods, versions and dimension
 * combinations over all its rows, so a fact table keeps a small number per fact and the text once.
 */
export class TextPool {
  readonly texts: string[] = [];
  private readonly codes = new Map<string, number>();

  /** The index of `text`, added on first sight. */
  code(text: string): number {
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.texts.length;
      this.texts.push(text);
      this.codes.set(text, code);
    }
    return code;
  }
}

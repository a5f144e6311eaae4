/** What the drivers of the family saw, in order: `<driver> <what>` lines the tests compare. */
export class ToasterLog {
  readonly lines: string[] = [];
  constructor(readonly enabled = true) {}
  add(line: string): void {
    if (this.enabled) this.lines.push(line);
  }
  /** The lines starting with one of `drivers` (a driver's name and a space). */
  of(...drivers: string[]): string[] {
    return this.lines.filter((l) => drivers.some((d) => l.startsWith(`${d} `)));
  }
  clear(): void {
    this.lines.length = 0;
  }
}

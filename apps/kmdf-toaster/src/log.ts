/** What the KMDF toaster drivers print (their KdPrint lines), one line per event, for tests and the demo. */
export class KmdfToasterLog {
  readonly lines: string[] = [];

  constructor(readonly enabled = true) {}

  add(line: string): void {
    if (this.enabled) this.lines.push(line);
  }

  clear(): void {
    this.lines.length = 0;
  }
}

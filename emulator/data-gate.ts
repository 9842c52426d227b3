/**
 * Guards one branch's data directory: any number of readers (copies into child branches) at once,
 * or one writer (a Postgres starting on it, or a short-lived one the emulator runs to read or
 * change a branch whose compute is not running), never both.
 */
export class DataGate {
  private readers = 0;
  private writing = false;
  private readonly waiting: { exclusive: boolean; go: () => void }[] = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    if (this.writing || this.waiting.length) await new Promise<void>((go) => this.waiting.push({ exclusive: false, go }));
    else this.readers++;
    try {
      return await work();
    } finally {
      this.readers--;
      this.next();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.writing || this.readers || this.waiting.length) await new Promise<void>((go) => this.waiting.push({ exclusive: true, go }));
    else this.writing = true;
    try {
      return await work();
    } finally {
      this.writing = false;
      this.next();
    }
  }

  /** Hands the gate to the next in line: one writer, or every reader up to the next writer. */
  private next(): void {
    if (this.writing || this.readers) return;
    const first = this.waiting[0];
    if (!first) return;
    if (first.exclusive) {
      this.waiting.shift();
      this.writing = true;
      first.go();
      return;
    }
    while (this.waiting[0] && !this.waiting[0].exclusive) {
      this.readers++;
      (this.waiting.shift() as { go: () => void }).go();
    }
  }
}

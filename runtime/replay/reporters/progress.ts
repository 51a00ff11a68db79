/** "replaying 12/40" on stderr while a long run goes, only when stderr is a terminal. */
export const PROGRESS_MIN_FIXTURES = 10;

export class Progress {
  private done = 0;
  private total = 0;
  private shown = false;

  private readonly stream: NodeJS.WriteStream;

  constructor(stream: NodeJS.WriteStream) {
    this.stream = stream;
  }

  start(total: number): void {
    this.total = total;
    this.done = 0;
    this.render();
  }

  get enabled(): boolean {
    return Boolean(this.stream.isTTY) && this.total >= PROGRESS_MIN_FIXTURES;
  }

  /** Erase the line (call before writing other output to the terminal). */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  tick(): void {
    this.done++;
    this.render();
  }

  render(): void {
    if (!this.enabled || this.done >= this.total) return this.clear();
    this.stream.write(`\r\x1b[2Kreplaying ${this.done}/${this.total} fixture files…`);
    this.shown = true;
  }
}

import { appendFileSync, closeSync, fsyncSync, openSync } from 'node:fs';

/**
 * The agent's transcript: append-only, one JSON object per line, one writer (this worker). Each line goes to
 * the file in one append as soon as its message arrives, so readers (any orchestrator replica) see whole
 * lines in order.
 *
 * Appends are synchronous: a line is a few hundred bytes into the page cache, cheaper done at once than sent
 * through Node.js's thread pool (which wakes a pool thread, then this one, for every line), and the worker has
 * nothing else to do meanwhile.
 */
export class TranscriptWriter {
  private failed: unknown = null;

  private constructor(private readonly fd: number) {}

  static open(path: string): TranscriptWriter {
    return new TranscriptWriter(openSync(path, 'a'));
  }

  /**
   * Appends one message as a line. After a failed append every later one fails too, so a torn line is never
   * followed by more lines.
   */
  append(message: unknown): void {
    if (this.failed !== null) throw this.failed;
    try {
      appendFileSync(this.fd, JSON.stringify(message) + '\n');
    } catch (error) {
      this.failed = error;
      throw error;
    }
  }

  /** Syncs the lines to disk and closes the file. */
  close(): void {
    try {
      fsyncSync(this.fd);
    } catch {
      // the lines are in the file; a volume that cannot sync still closes
    }
    closeSync(this.fd);
  }
}

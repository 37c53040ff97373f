import { open, type FileHandle } from 'node:fs/promises';

/**
 * The agent's transcript: append-only, one JSON object per line, one writer (this worker). Each line goes to
 * the file in one append as soon as its message arrives, so readers (any orchestrator replica) see whole
 * lines in order; appends are chained so they never interleave.
 */
export class TranscriptWriter {
  private tail: Promise<void> = Promise.resolve();

  private constructor(private readonly handle: FileHandle) {}

  static async open(path: string): Promise<TranscriptWriter> {
    return new TranscriptWriter(await open(path, 'a'));
  }

  /**
   * Appends one message as a line; resolves once the line is in the file. After a failed append every later
   * one fails too, so a torn line is never followed by more lines.
   */
  append(message: unknown): Promise<void> {
    const line = JSON.stringify(message) + '\n';
    this.tail = this.tail.then(() => this.handle.appendFile(line));
    return this.tail;
  }

  /** Waits for pending lines, syncs them to disk and closes the file. */
  async close(): Promise<void> {
    await this.tail.catch(() => undefined);
    await this.handle.sync().catch(() => undefined);
    await this.handle.close();
  }
}

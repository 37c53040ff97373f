import { closeSync, openSync, readSync } from 'node:fs';

/** Bytes read at a time; longer lines take several reads. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Reads complete lines appended to a transcript since the last call. A line the worker is still
 * writing (no newline yet) is left for the next call.
 *
 * Reads are synchronous on purpose. A live stream reads a few kilobytes per change notice; through the
 * thread pool that is three round trips, and while agents keep every core busy each one waits for the
 * CPU: tens of milliseconds per notice (see BENCHMARKS.md). Read at once, it costs microseconds.
 */
export class TranscriptReader {
  private offset = 0;
  private carry = Buffer.alloc(0);
  /** Reused by every read: a new zero-filled buffer per read was most of a live stream's CPU and GC. */
  private chunk: Buffer | null = null;

  constructor(private readonly path: string) {}

  /** Skips the first `count` lines; returns how many there were (fewer when the file is shorter). */
  skip(count: number): number {
    let skipped = 0;
    while (skipped < count) {
      const lines = this.read(count - skipped);
      if (lines.length === 0) break;
      skipped += lines.length;
    }
    return skipped;
  }

  /** New complete lines, at most `max`. */
  read(max = Infinity): string[] {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const lines: string[] = [];
      const chunk = (this.chunk ??= Buffer.allocUnsafe(CHUNK_BYTES));
      let end = false;
      for (;;) {
        // Whole lines already read come first: a read that stopped at `max` leaves them in `carry`.
        let newline: number;
        while (lines.length < max && (newline = this.carry.indexOf(10)) !== -1) {
          lines.push(this.carry.subarray(0, newline).toString('utf8'));
          this.offset += newline + 1;
          this.carry = this.carry.subarray(newline + 1);
        }
        if (lines.length >= max || end) break;
        const bytesRead = readSync(fd, chunk, 0, chunk.length, this.offset + this.carry.length);
        if (bytesRead === 0) break;
        this.carry = Buffer.concat([this.carry, chunk.subarray(0, bytesRead)]);
        // A short read reached the end of the file: nothing more to read for now.
        end = bytesRead < chunk.length;
      }
      return lines;
    } finally {
      closeSync(fd);
    }
  }
}

/** A transcript line as an object; a damaged line is passed on as text rather than dropped. */
export function parseTranscriptLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return { type: 'unparseable', raw: line };
  }
}

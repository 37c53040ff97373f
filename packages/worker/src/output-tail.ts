/**
 * The last `maxBytes` of a stream of output, as text. Keeps at most about twice that in memory whatever
 * the amount written, and cuts only between whole UTF-8 characters.
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly maxBytes: number) {}

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > 2 * this.maxBytes) this.compact();
  }

  /** The tail as UTF-8 text: at most `maxBytes` bytes, starting and ending on whole characters. */
  text(): string {
    const all = Buffer.concat(this.chunks);
    let start = Math.max(0, all.length - this.maxBytes);
    if (start > 0 || this.dropped) {
      // Cut inside the output: skip continuation bytes (10xxxxxx), so the first byte kept starts a character.
      while (start < all.length && (all[start]! & 0xc0) === 0x80) start++;
    }
    return all.subarray(start, completeEnd(all, start)).toString('utf8');
  }

  private compact(): void {
    const all = Buffer.concat(this.chunks);
    this.chunks = [all.subarray(all.length - this.maxBytes)];
    this.size = this.maxBytes;
    this.dropped = true;
  }
}

/** The end of `buf` without a character cut short at the end (output stopped mid-character). */
function completeEnd(buf: Buffer, start: number): number {
  // Find the last lead byte among the final (at most 4) bytes; drop it if its sequence is incomplete.
  for (let i = buf.length - 1; i >= Math.max(start, buf.length - 4); i--) {
    const byte = buf[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + length <= buf.length ? buf.length : i;
  }
  return buf.length;
}

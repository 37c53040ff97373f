/** One line of an agent's transcript: its 1-based line number and the raw SDK message. */
export interface TranscriptEntry {
  seq: number;
  message: unknown;
}

/** Parses `application/x-ndjson`; blank or broken lines keep their line number but are skipped. */
export function parseTranscript(ndjson: string): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  const lines = ndjson.split('\n');
  // A trailing newline ends the last line; it does not start a new one.
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      entries.push({ seq: i + 1, message: JSON.parse(line) as unknown });
    } catch {
      // A line being written while we read it; the stream delivers it whole.
    }
  });
  return entries;
}

/** `current` plus `incoming`, in line order, each line once (the stream and the file overlap). */
export function mergeEntries(
  current: readonly TranscriptEntry[],
  incoming: readonly TranscriptEntry[],
): TranscriptEntry[] {
  if (incoming.length === 0) return current as TranscriptEntry[];
  const last = current.at(-1);
  // The common case while following: one new line after the last one.
  if (incoming.length === 1 && (last === undefined || incoming[0]!.seq > last.seq))
    return [...current, incoming[0]!];
  const bySeq = new Map<number, TranscriptEntry>();
  for (const entry of current) bySeq.set(entry.seq, entry);
  for (const entry of incoming) if (!bySeq.has(entry.seq)) bySeq.set(entry.seq, entry);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}

import { readFile, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { z } from 'zod';

/**
 * The callback `fs.readFile`: for the small metadata files read by the thousand, it costs about half the
 * CPU of `fs/promises`' readFile on Node 20 (which takes more round trips through the thread pool).
 */
const readFileAsync = promisify(readFile);

/** Reads and validates a JSON file; null when it does not exist. Throws when it is not valid. */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  let text: string;
  try {
    text = await readFileAsync(path, 'utf8');
  } catch (error) {
    return missing(error);
  }
  return schema.parse(JSON.parse(text));
}

/**
 * `readJsonFile` without the thread pool, for a live stream's few small files per change: on a machine
 * whose cores the agents keep busy, each trip through the pool waits for the CPU (see TranscriptReader).
 */
export function readJsonFileSync<T>(path: string, schema: z.ZodType<T>): T | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return missing(error);
  }
  return schema.parse(JSON.parse(text));
}

function missing(error: unknown): null {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw error;
}

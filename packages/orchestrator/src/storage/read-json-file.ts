import { readFile } from 'node:fs/promises';
import type { z } from 'zod';

/** Reads and validates a JSON file; null when it does not exist. Throws when it is not valid. */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return schema.parse(JSON.parse(text));
}

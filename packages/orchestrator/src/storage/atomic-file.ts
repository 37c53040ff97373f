import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';

function tempPath(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

async function writeTemp(path: string, text: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPath(path);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Replaces `path` atomically with `value` as JSON (write a temp file, then rename). */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const temp = await writeTemp(path, JSON.stringify(value, null, 2) + '\n');
  await rename(temp, path);
}

/**
 * Creates `path` with `value` only if it does not exist yet: the first writer wins, on any host that
 * shares the volume (a hard link fails with EEXIST). Returns whether this call wrote it.
 */
export async function writeJsonOnce(path: string, value: unknown): Promise<boolean> {
  const temp = await writeTemp(path, JSON.stringify(value, null, 2) + '\n');
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

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

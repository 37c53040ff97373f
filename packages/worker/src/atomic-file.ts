import { randomBytes } from 'node:crypto';
import { link, open, rename, stat, unlink } from 'node:fs/promises';

function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

async function writeTemp(path: string, value: unknown): Promise<string> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(JSON.stringify(value, null, 2) + '\n');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}

/** Replaces `path` with `value` as JSON atomically: readers see the old file or the new one, never a part. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const temp = await writeTemp(path, value);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Creates `path` with `value` only if it does not exist yet. The first writer wins on every host that shares
 * the volume, since a hard link fails with EEXIST. Returns whether this call wrote it.
 */
export async function writeJsonOnce(path: string, value: unknown): Promise<boolean> {
  const temp = await writeTemp(path, value);
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

/** Whether `path` exists (any kind of file). */
export async function fileExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';

function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

const jsonText = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

async function writeTemp(path: string, value: unknown): Promise<string> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(jsonText(value));
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
 * `writeJsonAtomic` done synchronously, for a worker's state file: a small file rewritten many times a run,
 * where each of the five steps costs less done at once than sent through Node.js's thread pool, and the worker
 * has nothing else to do meanwhile. Not for a server, whose other requests would wait for the disk.
 */
export function writeJsonAtomicSync(path: string, value: unknown): void {
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeFileSync(fd, jsonText(value));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
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

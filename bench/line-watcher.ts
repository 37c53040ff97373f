import { Worker } from 'node:worker_threads';

/** When each line of a set of append-only files first appeared, on the monotonic clock (`process.hrtime`). */
export interface LineWatcher {
  /** `times[file][seq - 1]`: nanoseconds at which line `seq` of that file was seen. */
  times: bigint[][];
  close(): Promise<void>;
}

/**
 * The watcher runs on its own thread, woken by inotify on each file's folder, so the time it records is
 * not held up by whatever the main thread is doing. It reads what was appended and stamps each new line.
 */
const WATCHER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const files = workerData.files;
const offsets = files.map(() => 0);
function scan(i) {
  let fd;
  try { fd = fs.openSync(files[i], 'r'); } catch { return; }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offsets[i]) return;
    const buf = Buffer.alloc(size - offsets[i]);
    const n = fs.readSync(fd, buf, 0, buf.length, offsets[i]);
    const now = process.hrtime.bigint();
    let end = -1;
    for (let k = 0; k < n; k++) {
      if (buf[k] === 10) { parentPort.postMessage({ file: i, t: now }); end = k; }
    }
    offsets[i] += end + 1;
  } finally { fs.closeSync(fd); }
}
const watchers = files.map((file, i) => fs.watch(path.dirname(file), () => scan(i)));
files.forEach((_, i) => scan(i));
// A slow sweep catches anything an event might have missed; it stamps late, never early.
const sweep = setInterval(() => files.forEach((_, i) => scan(i)), 250);
parentPort.on('message', () => { clearInterval(sweep); watchers.forEach((w) => w.close()); files.forEach((_, i) => scan(i)); parentPort.close(); });
`;

export async function watchLines(files: string[]): Promise<LineWatcher> {
  const times: bigint[][] = files.map(() => []);
  const worker = new Worker(WATCHER_SOURCE, { eval: true, workerData: { files } });
  worker.on('message', (m: { file: number; t: bigint }) => times[m.file]!.push(m.t));
  await new Promise<void>((resolve, reject) => {
    worker.once('online', () => resolve());
    worker.once('error', reject);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let closing: Promise<void> | null = null;
  return {
    times,
    close() {
      if (!closing) {
        worker.postMessage('stop');
        closing = exited;
      }
      return closing;
    },
  };
}

import { readFile } from 'node:fs/promises';

/**
 * The start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), or null when
 * there is no such live process. A zombie counts as gone: it still answers kill(pid, 0).
 */
export async function processStartTicks(pid: number): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  if (state === 'Z' || state === 'X') return null;
  return fields[19] ?? null;
}

/** Whether `pid` is still the process that was started at `startTicks`. */
export async function isSameProcessAlive(pid: number, startTicks: string | undefined): Promise<boolean> {
  const ticks = await processStartTicks(pid);
  return ticks !== null && (startTicks === undefined || ticks === startTicks);
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

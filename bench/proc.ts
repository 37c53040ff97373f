import { readFile, readdir, readlink } from 'node:fs/promises';

/** Memory of one process from /proc, in KiB; null once it is gone. */
export interface ProcMemory {
  /** Resident set size (VmRSS): every page it maps that is in memory, shared ones included. */
  rss: number;
  /** Proportional set size: shared pages divided among the processes that share them. */
  pss: number;
  /** Unique set size: pages no other process maps (what ending it would free). */
  uss: number;
}

function field(text: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

export async function vmRssKb(pid: number): Promise<number | null> {
  try {
    return field(await readFile(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
  } catch {
    return null;
  }
}

export async function procMemory(pid: number): Promise<ProcMemory | null> {
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    return {
      rss: field(text, 'Rss'),
      pss: field(text, 'Pss'),
      uss: field(text, 'Private_Clean') + field(text, 'Private_Dirty'),
    };
  } catch {
    return null;
  }
}

/** Parent of every live process, from /proc/<pid>/stat. */
async function parents(): Promise<Map<number, number>> {
  const map = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

/** Every descendant (children, their children, …) of each of `roots`, from one read of the process table. */
export async function descendantsOf(roots: number[]): Promise<Map<number, number[]>> {
  const byParent = new Map<number, number[]>();
  for (const [child, parent] of await parents()) {
    byParent.set(parent, [...(byParent.get(parent) ?? []), child]);
  }
  return new Map(
    roots.map((root) => {
      const found: number[] = [];
      const queue = [root];
      while (queue.length > 0) {
        for (const child of byParent.get(queue.shift()!) ?? []) {
          found.push(child);
          queue.push(child);
        }
      }
      return [root, found];
    }),
  );
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds a process has used, user and system: its own, and those of the children it has waited for
 * (`cutime`, `cstime`), which hold whole process trees once their processes have exited.
 */
export async function cpuTimes(pid: number): Promise<{ self: number; children: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  // After "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
  return {
    self: (fields[11]! + fields[12]!) / TICKS_PER_SECOND,
    children: (fields[13]! + fields[14]!) / TICKS_PER_SECOND,
  };
}

/** The machine's CPU time since boot, in ticks: all of it, and what the hypervisor took (`steal`). */
export async function machineCpu(): Promise<{ total: number; steal: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is inside user.
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: ticks.reduce((sum, t) => sum + t, 0), steal: ticks[7] ?? 0 };
}

/** Certificates in the file that NODE_EXTRA_CA_CERTS names (`path`); null when it is not set or unreadable. */
export async function extraCaCertCount(path: string | undefined): Promise<number | null> {
  if (!path) return null;
  const pem = await readFile(path, 'utf8').catch(() => null);
  return pem === null ? null : pem.split('-----BEGIN CERTIFICATE-----').length - 1;
}

/** Live processes whose working directory is `dir` or below it. */
export async function processesIn(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = await readlink(`/proc/${name}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(Number(name));
    } catch {
      // gone meanwhile, or a zombie
    }
  }
  return found;
}

import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, type Logger } from './logger.js';

/**
 * Ends every process whose working directory is inside a worktree, so nothing writes into it while fanout
 * commits. Claude Code runs Bash-tool commands in their own session, so killing the agent's process group
 * would miss them; /proc is the one place that shows them all.
 *
 * /proc is read synchronously: its files are made in memory as they are read and never wait for a disk, and a
 * scan reads a few hundred of them (a link and a stat per process on the machine), where a round trip through
 * the thread pool would cost more than each read.
 */

export interface ProcessScanOptions {
  /** Where procfs is mounted. */
  procRoot?: string;
  /** Never touched (defaults to this process and its ancestors). */
  exclude?: ReadonlySet<number>;
}

interface ProcStat {
  state: string;
  ppid: number;
}

function readStat(procRoot: string, pid: number): ProcStat | null {
  try {
    const text = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', ppid: Number(fields[1]) };
  } catch {
    return null;
  }
}

/** This process and its ancestors: the worker must not kill itself or whoever started it. */
export function selfAndAncestors(procRoot = '/proc'): Set<number> {
  const pids = new Set<number>([process.pid]);
  let pid = process.ppid;
  while (pid > 1 && !pids.has(pid)) {
    pids.add(pid);
    const stat = readStat(procRoot, pid);
    if (!stat) break;
    pid = stat.ppid;
  }
  return pids;
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** Live processes (zombies excluded) whose working directory is `dir` or below it. */
export function findProcessesIn(dir: string, options: ProcessScanOptions = {}): number[] {
  const procRoot = options.procRoot ?? '/proc';
  const exclude = options.exclude ?? selfAndAncestors(procRoot);
  let root = dir;
  try {
    root = realpathSync(dir);
  } catch {
    // gone already: compare against the path as given
  }
  const found: number[] = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const pid = Number(entry);
    if (exclude.has(pid)) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`${procRoot}/${pid}/cwd`).replace(/ \(deleted\)$/, '');
    } catch {
      continue; // gone, or not ours to inspect
    }
    if (!isInside(cwd, root)) continue;
    if (isAlive(pid, procRoot)) found.push(pid);
  }
  return found;
}

function isAlive(pid: number, procRoot: string): boolean {
  const stat = readStat(procRoot, pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function waitGone(pids: number[], ms: number, procRoot: string): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = pids;
  for (;;) {
    alive = alive.filter((pid) => isAlive(pid, procRoot));
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await sleep(50);
  }
}

export interface KillOptions extends ProcessScanOptions {
  /** Time between SIGTERM and SIGKILL. */
  graceMs?: number;
}

/**
 * SIGTERM to every process inside `dir`, SIGKILL to those still there after the grace period; repeated a few
 * times to catch processes that were started meanwhile. Returns the pids it signalled.
 */
export async function killWorktreeProcesses(dir: string, options: KillOptions = {}): Promise<number[]> {
  const procRoot = options.procRoot ?? '/proc';
  const exclude = options.exclude ?? selfAndAncestors(procRoot);
  const graceMs = options.graceMs ?? 2000;
  const signalled: number[] = [];
  for (let round = 0; round < 3; round++) {
    const pids = findProcessesIn(dir, { procRoot, exclude });
    if (pids.length === 0) break;
    signalled.push(...pids);
    for (const pid of pids) signal(pid, 'SIGTERM');
    const stubborn = await waitGone(pids, graceMs, procRoot);
    for (const pid of stubborn) signal(pid, 'SIGKILL');
    await waitGone(stubborn, 2000, procRoot);
  }
  return [...new Set(signalled)];
}

/**
 * Ends whatever `what` (the agent, the setup, the check) left running in the worktree, and logs it. Never
 * rejects: a failed scan is logged, and the caller goes on.
 */
export async function endLeftovers(dir: string, graceMs: number, what: string, log: Logger): Promise<void> {
  try {
    const killed = await killWorktreeProcesses(dir, { graceMs });
    if (killed.length > 0) log.info(`ended processes ${what} left in the worktree`, { pids: killed });
  } catch (error) {
    log.error('could not scan for processes in the worktree', { error: errorMessage(error) });
  }
}

import { readFileSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * How much a worker, and the Claude Code beneath it, yields the CPU: a nice value. Agents saturate the
 * cores; the orchestrator (the API, the live events) and the person's own programs should not wait behind
 * them. The kernel takes its share from processes only when others want the CPU, so an agent that runs
 * alone loses nothing.
 */
export const WORKER_NICE = 5;

/**
 * Lowers this process's priority to `nice` (never raises it); its children inherit it. Where Linux groups
 * processes by session for scheduling (autogroup) and this process leads its own session, as workers
 * do, the session's group is lowered too, since nice values only weigh within a group. Best effort:
 * nothing here is needed to run an agent.
 */
export function lowerPriority(nice: number = WORKER_NICE): void {
  try {
    if (getPriority(0) < nice) setPriority(0, nice);
  } catch {
    // Not allowed here: run at the priority we were given.
  }
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const session = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
    if (session !== process.pid) return;
    const current = /nice (-?\d+)/.exec(readFileSync('/proc/self/autogroup', 'utf8'));
    if (current && Number(current[1]) < nice) writeFileSync('/proc/self/autogroup', String(nice));
  } catch {
    // No autogroup (a kernel without it, or /proc not mounted): the nice value alone applies.
  }
}

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  cwd: string;
  argv: string[];
}

/** Live processes whose working directory is inside `dir`. */
export function processesUnder(dir: string): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd !== dir && !cwd.startsWith(dir + '/')) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/^\S+ \(.*\) [ZX] /.test(stat)) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      found.push({ pid: Number(name), cwd, argv });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** The Claude Code agent process (not `claude mcp serve`, not the worker) working in `worktree`. */
export function claudeAgentProcess(worktree: string): ProcInfo | undefined {
  return processesUnder(worktree).find(
    (p) => /(^|\/)claude$/.test(p.argv[0] ?? '') && !p.argv.includes('mcp'),
  );
}

export function killAll(dir: string): void {
  for (const p of processesUnder(dir)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

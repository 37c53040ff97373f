import type { Run } from '@fanout/shared';
import { LiveArea } from '../render/live-area.js';
import { changedAgents, progressLine, progressLines, runHeaderLine } from '../render/progress.js';
import type { CommandContext } from './context.js';

/** How `fanout run` shows a run while it follows it. */
export interface ProgressView {
  update(run: Run): void;
  /** The event stream dropped and is being reconnected. */
  reconnecting(reason: string, delayMs: number): void;
  /** Following stopped (finished or Ctrl-C): leave what is on screen and stop redrawing. */
  stop(): void;
}

const TICK_MS = 1000;

/** A terminal: the agents' lines are redrawn in place, every event and every second (for the clocks). */
export function liveProgress(ctx: CommandContext): ProgressView {
  const area = new LiveArea(ctx.io.stdout);
  let run: Run | null = null;
  let notice: string | null = null;
  const draw = () => {
    if (!run) return;
    const lines = progressLines(run, ctx.colors, ctx.now());
    if (notice) lines.push(ctx.colors.yellow(notice));
    area.render(lines);
  };
  const timer = setInterval(draw, TICK_MS);
  return {
    update(next) {
      if (!run) ctx.io.stdout.write(`${runHeaderLine(next, ctx.colors)}\n`);
      run = next;
      notice = null;
      draw();
    },
    reconnecting(reason, delayMs) {
      notice = `connection lost (${reason}); reconnecting in ${Math.ceil(delayMs / 1000)} s…`;
      draw();
    },
    stop() {
      clearInterval(timer);
      notice = null;
      draw();
      area.done();
    },
  };
}

/** Not a terminal (a pipe, a log file, CI): one appended line per agent status change. */
export function plainProgress(ctx: CommandContext): ProgressView {
  let run: Run | null = null;
  return {
    update(next) {
      if (!run) ctx.io.stdout.write(`${runHeaderLine(next, ctx.colors)}\n`);
      const width = Math.max(0, ...next.agents.map((a) => a.branch.length));
      for (const agent of changedAgents(run, next)) {
        ctx.io.stdout.write(`${progressLine(agent, ctx.colors, ctx.now(), width)}\n`);
      }
      run = next;
    },
    reconnecting(reason, delayMs) {
      ctx.io.stderr.write(
        `fanout: connection lost (${reason}); reconnecting in ${Math.ceil(delayMs / 1000)} s\n`,
      );
    },
    stop() {},
  };
}

/** `--json`: nothing but the final run on standard output. */
export function silentProgress(): ProgressView {
  return { update() {}, reconnecting() {}, stop() {} };
}

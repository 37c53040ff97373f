import { scriptByAgent, type Script, type Step } from './scripted-model.js';

/** Script steps that tests use again and again. */
export const steps = {
  write: (path: string, content: string, delayMs?: number): Step => ({
    kind: 'tool',
    calls: [{ name: 'Write', input: { file_path: path, content } }],
    ...(delayMs ? { delayMs } : {}),
  }),
  bash: (command: string, delayMs?: number): Step => ({
    kind: 'tool',
    calls: [{ name: 'Bash', input: { command, description: 'run a command' } }],
    ...(delayMs ? { delayMs } : {}),
  }),
  /** The agent commits everything itself, as the system prompt asks. */
  commit: (message: string, delayMs?: number): Step =>
    steps.bash(`git add -A && git commit -q -m ${JSON.stringify(message)}`, delayMs),
  /** A command that takes `ms` (Claude Code refuses `sleep`, so it is node). */
  pause: (ms: number): Step => steps.bash(`node -e "setTimeout(() => {}, ${ms})"`),
  text: (text: string): Step => ({ kind: 'text', text }),
};

/**
 * One model server for many tests: each run's prompt names its script as `[name]`, and the script gives
 * each agent its steps.
 */
export function scriptByPrompt(scripts: Record<string, (agent: number) => Step[]>): Script {
  return (ctx) => {
    const text = JSON.stringify(ctx.request);
    const name = Object.keys(scripts).find((k) => text.includes(`[${k}]`));
    const agent = ctx.agent ?? 0;
    return scriptByAgent({ [agent]: name ? scripts[name]!(agent) : [] })(ctx);
  };
}

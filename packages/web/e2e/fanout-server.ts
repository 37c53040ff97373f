import {
  claudeEnvFor,
  scriptByAgent,
  startOrchestratorProcess,
  startScriptedModel,
  type OrchestratorProcess,
  type ScriptedModel,
  type Step,
} from '@fanout/test-utils';

const write = (path: string, content: string): Step => ({
  kind: 'tool',
  calls: [{ name: 'Write', input: { file_path: path, content } }],
});
const commit = (message: string): Step => ({
  kind: 'tool',
  calls: [
    {
      name: 'Bash',
      input: { command: `git add -A && git commit -q -m "${message}"`, description: 'commit' },
    },
  ],
});

/** What each agent does, by a tag in the prompt, so one model server serves every browser test. */
const SCRIPTS: Record<string, (agent: number) => Step[]> = {
  greet: (i) => [
    write(
      'src/greeting.ts',
      `/** A greeting, as agent ${i} wrote it. */\nexport function greet(name: string): string {\n  return \`${['Hello', 'Hi', 'Welcome'][i % 3]} \${name}, from agent ${i}\`;\n}\n`,
    ),
    commit(`add a greeting (agent ${i})`),
    { kind: 'text', text: 'I wrote src/greeting.ts and committed it.' },
  ],
  slow: (i) => [write(`work-${i}.txt`, `work of agent ${i}\n`), { kind: 'hang', ms: 120_000 }],
};

export interface FanoutServer {
  url: string;
  storage: string;
  close(): Promise<void>;
}

/**
 * The real orchestrator (serving the built web UI) with the real worker and Claude Code, pointed at the
 * scripted model server. Prompts tagged `[greet]` or `[slow]` pick the script.
 */
export async function startFanoutServer(): Promise<FanoutServer> {
  const model: ScriptedModel = await startScriptedModel({
    script: (ctx) => {
      const text = JSON.stringify(ctx.request);
      const tag = Object.keys(SCRIPTS).find((k) => text.includes(`[${k}]`));
      const steps = tag && ctx.agent !== null ? SCRIPTS[tag]!(ctx.agent) : [];
      return scriptByAgent({ [ctx.agent ?? 0]: steps })(ctx);
    },
  });
  let orchestrator: OrchestratorProcess;
  try {
    orchestrator = await startOrchestratorProcess({
      env: { ...claudeEnvFor(model), FANOUT_CONCURRENCY: '3', FANOUT_KILL_GRACE_SECONDS: '5' },
    });
  } catch (error) {
    await model.close();
    throw error;
  }
  return {
    url: orchestrator.url,
    storage: orchestrator.storage,
    async close() {
      await orchestrator.close();
      await model.close();
    },
  };
}

import {
  claudeEnvFor,
  scriptByPrompt,
  steps,
  startOrchestratorProcess,
  startScriptedModel,
  type OrchestratorProcess,
  type ScriptedModel,
  type Step,
} from '@fanout/test-utils';

const { write, commit, text } = steps;

/** What each agent does, by a tag in the prompt, so one model server serves every browser test. */
const SCRIPTS: Record<string, (agent: number) => Step[]> = {
  greet: (i) => [
    write(
      'src/greeting.ts',
      `/** A greeting, as agent ${i} wrote it. */\nexport function greet(name: string): string {\n  return \`${['Hello', 'Hi', 'Welcome'][i % 3]} \${name}, from agent ${i}\`;\n}\n`,
    ),
    commit(`add a greeting (agent ${i})`),
    text('I wrote src/greeting.ts and committed it.'),
  ],
  slow: (i) => [write(`work-${i}.txt`, `work of agent ${i}\n`), { kind: 'hang', ms: 120_000 }],
  // The hang ends the conversation with the answer "done" after 20 s.
  pause: (i) => [write(`paused-${i}.txt`, 'written before the pause\n'), { kind: 'hang', ms: 20_000 }],
};

export interface FanoutServer {
  url: string;
  storage: string;
  /** Stops the orchestrator (its workers keep running), as when it crashes or is redeployed. */
  stopOrchestrator(): Promise<void>;
  /** Starts it again on the same address and storage; it adopts the running workers. */
  startOrchestrator(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real orchestrator (serving the built web UI) with the real worker and Claude Code, pointed at the
 * scripted model server. Prompts tagged `[greet]`, `[slow]` or `[pause]` pick the script. `port` fixes
 * the address, so that the orchestrator can be restarted under the same one.
 */
export async function startFanoutServer(options: { port?: number } = {}): Promise<FanoutServer> {
  const model: ScriptedModel = await startScriptedModel({ script: scriptByPrompt(SCRIPTS) });
  const env = {
    ...claudeEnvFor(model),
    FANOUT_CONCURRENCY: '3',
    FANOUT_KILL_GRACE_SECONDS: '5',
    ...(options.port ? { FANOUT_PORT: String(options.port) } : {}),
  };
  let orchestrator: OrchestratorProcess;
  try {
    orchestrator = await startOrchestratorProcess({ env });
  } catch (error) {
    await model.close();
    throw error;
  }
  const first = orchestrator;
  const storage = orchestrator.storage;
  return {
    url: orchestrator.url,
    storage,
    stopOrchestrator: () => orchestrator.stop(),
    async startOrchestrator() {
      orchestrator = await startOrchestratorProcess({ env, storage });
    },
    async close() {
      await orchestrator.stop();
      // The first process made the storage; its close removes it.
      await first.close();
      await model.close();
    },
  };
}

/** A loopback port that is free right now. */

import {
  ZERO_USAGE,
  agentBranch,
  deriveRunStatus,
  isFinalRunStatus,
  type Agent,
  type LaunchFile,
  type ResultFile,
  type Run,
  type RunFile,
  type StateFile,
} from '@fanout/shared';

/** What the run directory holds about one agent. */
export interface AgentFiles {
  launch: LaunchFile | null;
  state: StateFile | null;
  result: ResultFile | null;
}

/** Phase of an agent in the event stream: 0 queued, 1 starting, 2 running, 3 finished. */
export function agentPhase(files: AgentFiles): { phase: number; rev: number } {
  if (files.result) return { phase: 3, rev: 0 };
  if (files.state) return { phase: 2, rev: files.state.rev };
  if (files.launch) return { phase: 1, rev: 0 };
  return { phase: 0, rev: 0 };
}

export function agentModel(run: RunFile, index: number): string | null {
  return run.models[index] ?? run.model;
}

/** An agent as the API shows it, from what its files say. */
export function buildAgent(run: RunFile, index: number, files: AgentFiles): Agent {
  const { launch, state, result } = files;
  const base = {
    index,
    branch: agentBranch(index),
    model: state?.model ?? agentModel(run, index),
  };
  if (result) {
    return {
      ...base,
      status: result.status,
      startedAt: result.startedAt ?? state?.startedAt ?? null,
      finishedAt: result.finishedAt,
      commit: result.commit,
      diffStat: result.diffStat,
      usage: result.usage,
      costUsd: result.costUsd,
      numTurns: result.numTurns,
      activity: null,
      ...(result.error ? { error: result.error } : {}),
      check: result.check ?? null,
    };
  }
  return {
    ...base,
    status: state ? 'running' : launch ? 'starting' : 'queued',
    startedAt: state?.startedAt ?? null,
    finishedAt: null,
    commit: null,
    diffStat: null,
    usage: state?.usage ?? ZERO_USAGE,
    costUsd: state?.costUsd ?? null,
    numTurns: state?.numTurns ?? 0,
    activity: state?.activity ?? (launch ? 'Starting…' : null),
    check: null,
  };
}

/** A run as the API shows it. */
export function buildRun(run: RunFile, cancelRequested: boolean, agents: readonly Agent[]): Run {
  const status = deriveRunStatus(
    agents.map((a) => a.status),
    cancelRequested,
  );
  const costs = agents.map((a) => a.costUsd).filter((c): c is number => c !== null);
  const finished = agents.map((a) => a.finishedAt).filter((f): f is string => f !== null);
  return {
    id: run.id,
    prompt: run.prompt,
    createdAt: run.createdAt,
    status,
    baseCommit: run.baseCommit,
    model: run.model,
    check: run.check,
    budgetUsd: run.budgetUsd,
    setup: run.setup,
    copyFiles: run.copyFiles,
    cancelRequested,
    finishedAt: isFinalRunStatus(status) ? (finished.sort().at(-1) ?? null) : null,
    costUsd: costs.length ? costs.reduce((a, b) => a + b, 0) : null,
    agents: [...agents],
  };
}

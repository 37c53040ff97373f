import { KubernetesExecutor, type KubernetesExecutorDeps } from './kubernetes-executor.js';
import { jobSettingsFromEnv, loadKubeConfig, type KubernetesBase } from './kube-settings.js';
import type { ExecutorLogger } from './kube-api.js';

export {
  KubernetesExecutor,
  DEFAULT_TIMING,
  type FinishLost,
  type KubernetesExecutorDeps,
  type KubernetesTiming,
} from './kubernetes-executor.js';
export {
  jobSettingsFromEnv,
  loadKubeConfig,
  WORKER_PASSTHROUGH_ENV,
  type KubernetesBase,
} from './kube-settings.js';
export {
  buildAgentJob,
  jobName,
  runSelector,
  DEFAULT_JOB_SETTINGS,
  LABELS,
  type JobSettings,
} from './job-manifest.js';
export { judgeAgent, type Verdict, type VerdictLimits } from './agent-verdict.js';
export type { ExecutorLogger } from './kube-api.js';

/**
 * The kubernetes executor (FANOUT_EXECUTOR=kubernetes): one batch/v1 Job per agent.
 *
 * deps:
 * - `kubeConfig`  cluster access; `loadKubeConfig(env)` = in-cluster service account, else KUBECONFIG
 * - `settings`    namespace, worker image, storage root (FANOUT_STORAGE: the runs volume's absolute path,
 *                 the same in the orchestrator and every agent's pod), runs claim, API-key Secret,
 *                 requests/limits, non-secret worker env; `jobSettingsFromEnv(env, base)` builds it
 * - `logger`      `{info, warn, error}(obj, msg)` (the orchestrator's pino logger)
 * - `now`, `timing`, `finishLostAgent`  optional, for tests
 *
 * It starts watching the cluster at once and keeps doing so until `close()`.
 */
export function createKubernetesExecutor(deps: KubernetesExecutorDeps): KubernetesExecutor {
  return new KubernetesExecutor(deps);
}

/** The executor from the orchestrator's settings and environment; throws one line naming a bad setting. */
export function kubernetesExecutorFromEnv(
  base: KubernetesBase,
  env: Record<string, string | undefined>,
  logger: ExecutorLogger,
): KubernetesExecutor {
  return createKubernetesExecutor({
    kubeConfig: loadKubeConfig(env),
    settings: jobSettingsFromEnv(env, base),
    logger,
  });
}

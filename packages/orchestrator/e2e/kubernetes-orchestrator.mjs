// The orchestrator with the kubernetes executor, as one replica of the Deployment runs it: config from
// the environment, cluster access from KUBECONFIG. Used by kubernetes.test.ts to start replicas that a
// test can kill. Prints "fanout: serving <url>" once it serves.
import { createLogger, loadConfig, startOrchestrator } from '../dist/index.js';
import { kubernetesExecutorFromEnv } from '../dist/executors/kubernetes/index.js';

const config = loadConfig(process.env);
const logger = createLogger();
const executor = kubernetesExecutorFromEnv(
  { storage: config.storage, namespace: config.namespace, workerImage: config.workerImage },
  process.env,
  logger,
);
const orchestrator = await startOrchestrator(config, { logger, env: process.env, executor });
process.stderr.write(`fanout: serving ${orchestrator.url} (runs in ${config.storage})\n`);
process.on('SIGTERM', () => {
  void orchestrator.close().then(() => process.exit(0));
});

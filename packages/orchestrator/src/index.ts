export { loadConfig, ConfigError, type Config } from './config.js';
export { createLogger, type Logger } from './logger.js';
export { createApp } from './http/app.js';
export { startOrchestrator, localWorkerCommand, type Orchestrator } from './server.js';
export { RunStore } from './runs/run-store.js';
export type { Executor } from './executors/executor.js';
export { LocalExecutor } from './executors/local/local-executor.js';

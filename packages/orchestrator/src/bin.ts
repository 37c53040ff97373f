#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startOrchestrator } from './server.js';

const USAGE = `usage: fanout-orchestrator [--host H] [--port P] [--storage DIR] [--executor local|kubernetes]
                           [--max-agents N] [--concurrency N] [--model M]
Each flag has an environment variable of the same meaning (FANOUT_HOST, FANOUT_PORT, …).`;

async function main(): Promise<void> {
  let flags: Record<string, string>;
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        storage: { type: 'string' },
        executor: { type: 'string' },
        'max-agents': { type: 'string' },
        concurrency: { type: 'string' },
        model: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE + '\n');
      return;
    }
    flags = Object.fromEntries(
      Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch (error) {
    process.stderr.write(`fanout-orchestrator: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const webRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');
  let config;
  try {
    config = loadConfig(process.env, flags, { webRoot });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`fanout-orchestrator: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger();
  let orchestrator;
  try {
    orchestrator = await startOrchestrator(config, { logger, env: process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`fanout-orchestrator: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  process.stderr.write(`fanout: serving ${orchestrator.url} (runs in ${config.storage})\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Workers run in their own sessions and keep going; a restarted orchestrator adopts them.
    await orchestrator.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`fanout-orchestrator: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});

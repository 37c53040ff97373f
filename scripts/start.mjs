#!/usr/bin/env node
// `npm start`: install dependencies if they are missing, build what is out of date, then serve the
// web UI and the HTTP API with the orchestrator. Arguments after `--` go to the orchestrator.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(label, args) {
  process.stderr.write(`fanout: ${label}\n`);
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`fanout: ${label} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(join(root, 'node_modules', '@anthropic-ai', 'claude-agent-sdk'))) {
  step('installing dependencies', existsSync(join(root, 'package-lock.json')) ? ['ci'] : ['install']);
}
step('building', ['run', 'build', '--silent']);

const child = spawn(
  process.execPath,
  [join(root, 'packages/orchestrator/dist/bin.js'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createFrontendApp, loadFrontendConfig } from './server.js';

/** `node frontend/bin.js`: the web image's entry point (see docker/web.Dockerfile). */
function main(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  let config;
  try {
    config = loadFrontendConfig(process.env, join(here, '..', 'public'));
  } catch (error) {
    process.stderr.write(`fanout-frontend: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const app = createFrontendApp(config);
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    process.stderr.write(
      `${JSON.stringify({ level: 'info', msg: 'fanout frontend listening', port: info.port, api: config.apiUrl })}\n`,
    );
  });
  const stop = () => {
    server.close(() => process.exit(0));
    // Event streams would hold the server open.
    if ('closeAllConnections' in server) server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();

#!/usr/bin/env node
import { processIo } from './io.js';
import { main } from './main.js';

// `fanout ls | head -1`: the reader went away; that is not an error of fanout.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), processIo());

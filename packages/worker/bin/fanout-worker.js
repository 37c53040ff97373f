#!/usr/bin/env node
// The package's bin: a committed file, so npm links it even before the TypeScript is built. It runs the
// launcher of the bundled worker (bundle.mjs), as fanout does.
import '../dist/worker.cjs';

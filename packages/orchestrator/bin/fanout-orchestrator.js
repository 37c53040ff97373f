#!/usr/bin/env node
// The package's bin: a committed file, so npm links it even before the TypeScript is built.
import '../dist/bin.js';

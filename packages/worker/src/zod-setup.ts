import * as z from 'zod';

// A worker checks each of its inputs and outputs once: its configuration, run.json, its state and result.
// zod compiles a parser for each object schema with `new Function` the first time it is used, which pays
// only over many parses: run.json, a state and a result took 8–10 ms of CPU that way, 3–4 ms without.
// zod decides when a schema is made, so this module comes before any that makes one (main.ts imports it
// first).
z.config({ jitless: true });

export * from './check.js';
export * from './errors.js';
export * from './events.js';
export * from './ids.js';
export * from './merge.js';
export * from './run-dir.js';
export * from './run-request.js';
export * from './run.js';

export { ApiClient, type ApiClientOptions } from './api/client.js';
export { followRunEvents, type FollowOptions } from './api/follow-events.js';
export { CliError, EXIT } from './cli-error.js';
export type { CliIo, OutputStream } from './io.js';
export { main } from './main.js';

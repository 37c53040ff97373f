/** What `GET /api/config` tells the UI; every field has a default for servers without that route. */
export interface ServerConfig {
  maxAgents: number;
  defaultModel: string | null;
  executor: string | null;
  /** Where run directories are, as a person on the host reaches them (for the git commands). */
  storage: string | null;
}

export const DEFAULT_SERVER_CONFIG: ServerConfig = {
  maxAgents: 16,
  defaultModel: null,
  executor: null,
  storage: null,
};

/** Reads a config body leniently: unknown or malformed fields fall back to the defaults. */
export function parseServerConfig(body: unknown): ServerConfig {
  if (typeof body !== 'object' || body === null) return DEFAULT_SERVER_CONFIG;
  const record = body as Record<string, unknown>;
  const maxAgents = record['maxAgents'];
  const defaultModel = record['defaultModel'];
  const executor = record['executor'];
  const storage = record['storage'];
  return {
    maxAgents:
      typeof maxAgents === 'number' && Number.isInteger(maxAgents) && maxAgents >= 1
        ? maxAgents
        : DEFAULT_SERVER_CONFIG.maxAgents,
    defaultModel: typeof defaultModel === 'string' && defaultModel !== '' ? defaultModel : null,
    executor: typeof executor === 'string' ? executor : null,
    storage: typeof storage === 'string' && storage !== '' ? storage : null,
  };
}

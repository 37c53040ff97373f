import { usageError } from './cli-error.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:7420';

/** The global flags as commander hands them over (`--no-color` gives `color: false`). */
export interface GlobalFlags {
  server?: string | undefined;
  token?: string | undefined;
  json?: boolean | undefined;
  color?: boolean | undefined;
}

/** Settings every command gets, resolved once from flags and environment. */
export interface GlobalOptions {
  /** The server's base URL, without a trailing slash. */
  server: string;
  token: string | null;
  json: boolean;
  /** Colour on standard output. */
  color: boolean;
}

/**
 * Flags win over the environment: `--server` over `FANOUT_SERVER`, `--token` over `FANOUT_API_TOKEN`.
 * Colour is on for a terminal unless `--no-color` or `NO_COLOR`; `FORCE_COLOR` turns it on anyway.
 */
export function resolveGlobalOptions(
  flags: GlobalFlags,
  env: Readonly<Record<string, string | undefined>>,
  stdoutIsTTY: boolean,
): GlobalOptions {
  const server = normalizeServer(flags.server ?? nonEmpty(env.FANOUT_SERVER) ?? DEFAULT_SERVER);
  const token = nonEmpty(flags.token) ?? nonEmpty(env.FANOUT_API_TOKEN) ?? null;
  const forced = nonEmpty(env.FORCE_COLOR) !== undefined && env.FORCE_COLOR !== '0';
  const color = flags.color !== false && nonEmpty(env.NO_COLOR) === undefined && (forced || stdoutIsTTY);
  return { server, token, json: flags.json === true, color };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function normalizeServer(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`server: must be an http:// or https:// URL (got ${JSON.stringify(text)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`server: must be an http:// or https:// URL (got ${JSON.stringify(text)})`);
  }
  if (url.search || url.hash) {
    throw usageError(`server: must not have a query or fragment (got ${JSON.stringify(text)})`);
  }
  return url.href.replace(/\/+$/, '');
}

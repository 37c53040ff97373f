import type { MergeRequest, MergeResult, Run, RunList } from '@fanout/shared';
import { apiErrorFromResponse, isAbortError, networkError } from './api-error';
import { DEFAULT_SERVER_CONFIG, parseServerConfig, type ServerConfig } from './server-config';

/** The body of `POST /api/runs` as the form sends it; the server validates every field. */
export interface NewRunBody {
  prompt: string;
  agents: number | null;
  model?: string;
  check?: string;
  setup?: string;
  budgetUsd?: number | null;
}

export interface ApiClientOptions {
  fetch?: typeof fetch;
  /** Prefix of every path, e.g. '' for the same origin. */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <token>` when the server requires one. */
  token?: string | null;
  /** Called when the server answers 401: the token is missing or wrong. */
  onUnauthorized?: () => void;
}

/** The HTTP API of the orchestrator, one method per route; every failure is an ApiError. */
export function createApiClient(options: ApiClientOptions = {}) {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const baseUrl = options.baseUrl ?? '';
  const authHeaders: Record<string, string> = options.token
    ? { Authorization: `Bearer ${options.token}` }
    : {};

  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetchFn(`${baseUrl}${path}`, {
        ...init,
        headers: { ...authHeaders, ...(init.headers as Record<string, string> | undefined) },
      });
    } catch (error) {
      if (isAbortError(error)) throw error;
      throw networkError(error);
    }
    if (!response.ok) {
      if (response.status === 401) options.onUnauthorized?.();
      throw apiErrorFromResponse(response.status, await response.text().catch(() => ''));
    }
    return response;
  }

  async function json<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await request(path, init);
    return (await response.json()) as T;
  }

  const runPath = (runId: string) => `/api/runs/${encodeURIComponent(runId)}`;

  return {
    baseUrl,
    fetch: fetchFn,
    authHeaders,
    onUnauthorized: options.onUnauthorized,

    listRuns(
      params: { limit?: number; cursor?: string | null } = {},
      signal?: AbortSignal,
    ): Promise<RunList> {
      const query = new URLSearchParams();
      if (params.limit) query.set('limit', String(params.limit));
      if (params.cursor) query.set('cursor', params.cursor);
      const qs = query.toString();
      return json<RunList>(`/api/runs${qs ? `?${qs}` : ''}`, signal ? { signal } : {});
    },

    getRun(runId: string, signal?: AbortSignal): Promise<Run> {
      return json<Run>(runPath(runId), signal ? { signal } : {});
    },

    createRun(body: NewRunBody): Promise<Run> {
      return json<Run>('/api/runs', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    },

    cancelRun(runId: string): Promise<Run> {
      return json<Run>(`${runPath(runId)}/cancel`, { method: 'POST' });
    },

    mergeAgent(runId: string, body: MergeRequest): Promise<MergeResult> {
      return json<MergeResult>(`${runPath(runId)}/merge`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    },

    async getDiff(runId: string, agent: number, signal?: AbortSignal): Promise<string> {
      const response = await request(`${runPath(runId)}/agents/${agent}/diff`, signal ? { signal } : {});
      return response.text();
    },

    async getTranscript(runId: string, agent: number, signal?: AbortSignal): Promise<string> {
      const response = await request(
        `${runPath(runId)}/agents/${agent}/transcript`,
        signal ? { signal } : {},
      );
      return response.text();
    },

    eventsUrl(runId: string): string {
      return `${baseUrl}${runPath(runId)}/events`;
    },

    /** The server's limits; a server without `GET /api/config` gets the documented defaults. */
    async getConfig(signal?: AbortSignal): Promise<ServerConfig> {
      try {
        return parseServerConfig(await json<unknown>('/api/config', signal ? { signal } : {}));
      } catch (error) {
        // The config is a hint for the form; the server still checks every request itself.
        if (isAbortError(error)) throw error;
        return DEFAULT_SERVER_CONFIG;
      }
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

import {
  mergeResultSchema,
  runListSchema,
  runSchema,
  scorecardSchema,
  type MergeRequest,
  type MergeResult,
  type Run,
  type RunList,
  type RunRequest,
  type Scorecard,
} from '@fanout/shared';
import { CliError } from '../cli-error.js';
import { ConnectionError, errorFromNetwork, errorFromResponse } from './api-error.js';

export interface ApiClientOptions {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:7420`. */
  server: string;
  token: string | null;
  /** Per request, for everything but the event stream. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { message: string } };
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** A typed client of the orchestrator's HTTP API. Every failure comes out as a `CliError`. */
export class ApiClient {
  readonly server: string;
  private readonly token: string | null;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.server = options.server;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  createRun(request: RunRequest): Promise<Run> {
    return this.json('POST', '/api/runs', runSchema, request);
  }

  listRuns(page: { limit?: number; cursor?: string | null } = {}): Promise<RunList> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.cursor) query.set('cursor', page.cursor);
    const suffix = query.size > 0 ? `?${query}` : '';
    return this.json('GET', `/api/runs${suffix}`, runListSchema);
  }

  getRun(id: string): Promise<Run> {
    return this.json('GET', `/api/runs/${encodeURIComponent(id)}`, runSchema);
  }

  cancelRun(id: string): Promise<Run> {
    return this.json('POST', `/api/runs/${encodeURIComponent(id)}/cancel`, runSchema);
  }

  mergeAgent(id: string, request: MergeRequest): Promise<MergeResult> {
    return this.json('POST', `/api/runs/${encodeURIComponent(id)}/merge`, mergeResultSchema, request);
  }

  scorecard(id: string): Promise<Scorecard> {
    return this.json('GET', `/api/runs/${encodeURIComponent(id)}/scorecard`, scorecardSchema);
  }

  agentDiff(id: string, agent: number): Promise<string> {
    return this.text(`/api/runs/${encodeURIComponent(id)}/agents/${agent}/diff`);
  }

  /** The agent's transcript: one raw SDK message per line (ndjson). */
  agentTranscript(id: string, agent: number): Promise<string> {
    return this.text(`/api/runs/${encodeURIComponent(id)}/agents/${agent}/transcript`);
  }

  /**
   * Opens the run's event stream (`text/event-stream`), resuming after `lastEventId` when given.
   * Answers the response when it is 200 or 204; throws a `ConnectionError` when the server cannot be
   * reached or answers 502/503/504 (worth retrying), and a `CliError` for any other answer.
   */
  async openEvents(id: string, lastEventId: string | null, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== null) headers['last-event-id'] = lastEventId;
    const response = await this.send(
      'GET',
      `/api/runs/${encodeURIComponent(id)}/events`,
      headers,
      undefined,
      signal,
    );
    if (response.status === 200 || response.status === 204) return response;
    const error = await this.failure(response);
    if (response.status >= 502 && response.status <= 504) throw new ConnectionError(error.message);
    throw error;
  }

  private async json<T>(method: string, path: string, schema: Schema<T>, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const signal = AbortSignal.timeout(this.timeoutMs);
    const response = await this.send(
      method,
      path,
      headers,
      body === undefined ? undefined : JSON.stringify(body),
      signal,
    );
    const text = await this.read(response);
    if (!response.ok) throw errorFromResponse(this.server, response.status, response.statusText, text);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new CliError(
        `the server at ${this.server} answered ${method} ${path} with something that is not JSON`,
      );
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new CliError(
        `the server at ${this.server} answered ${method} ${path} with an unexpected shape; is it a fanout server of the same version? (${firstLine(parsed.error.message)})`,
      );
    }
    // The server's own object, so that --json shows every field, including ones this CLI does not know.
    return value as T;
  }

  private async text(path: string): Promise<string> {
    const response = await this.send('GET', path, {}, undefined, AbortSignal.timeout(this.timeoutMs));
    const text = await this.read(response);
    if (!response.ok) throw errorFromResponse(this.server, response.status, response.statusText, text);
    return text;
  }

  private async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    try {
      return await this.fetch(`${this.server}${path}`, {
        method,
        headers,
        signal,
        ...(body === undefined ? {} : { body }),
      });
    } catch (error) {
      // Stopped by the caller (Ctrl-C): not a network failure.
      if (signal.aborted && (signal.reason as { name?: unknown } | undefined)?.name !== 'TimeoutError')
        throw error;
      throw errorFromNetwork(this.server, error);
    }
  }

  private async read(response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw errorFromNetwork(this.server, error);
    }
  }

  private async failure(response: Response): Promise<CliError> {
    return errorFromResponse(this.server, response.status, response.statusText, await this.read(response));
  }
}

function firstLine(text: string): string {
  return (text.split('\n', 1)[0] ?? '').slice(0, 200);
}

import { isFinalRunStatus, type Run } from '@fanout/shared';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

/** One HTTP call to the orchestrator, with the body parsed as JSON when it is JSON. */
export async function api<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const response = await fetch(new URL(path, base), init);
  const text = await response.text();
  let json: unknown = undefined;
  if ((response.headers.get('content-type') ?? '').includes('application/json')) json = JSON.parse(text);
  return { status: response.status, headers: response.headers, text, json: json as T };
}

/** Polls a run until `done` says so (default: the run has finished). */
export async function waitForRun(
  base: string,
  id: string,
  done: (run: Run) => boolean = (run) => isFinalRunStatus(run.status),
  timeoutMs = 150_000,
): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  let last: Run | undefined;
  while (Date.now() < deadline) {
    const response = await api<Run>(base, 'GET', `/api/runs/${id}`);
    if (response.status === 200) {
      last = response.json;
      if (done(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `run ${id} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
  );
}

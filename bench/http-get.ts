import { Agent, get } from 'node:http';

export interface TimedResponse {
  status: number;
  body: string;
  /** From sending the request until the last byte of the answer arrived. */
  ms: number;
}

/**
 * A plain keep-alive HTTP client for timing the API: fetch's own work (and parsing the JSON inside the
 * timed span) would add milliseconds of client time to every sample.
 */
export function httpClient(base: string): { get(path: string): Promise<TimedResponse>; close(): void } {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    get: (path) =>
      new Promise((resolve, reject) => {
        const start = performance.now();
        get({ host: url.hostname, port: url.port, path, agent }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - start,
            }),
          );
          response.on('error', reject);
        }).on('error', reject);
      }),
    close: () => agent.destroy(),
  };
}

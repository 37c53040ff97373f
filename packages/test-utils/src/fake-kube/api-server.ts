import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseLabelSelector } from './label-selector.js';
import { clone, statusBody, type KubeObject } from './objects.js';
import { Conflict, NotFound, type ObjectStore, type StoreEvent } from './store.js';

/**
 * An HTTP server on loopback that speaks enough of the Kubernetes API for fanout's executor: create,
 * get, list, watch and delete of Jobs, Pods (and pod logs) and Secrets, with resourceVersions, label
 * selectors, `409 AlreadyExists`, `404 NotFound`, `410 Gone` on watch, optional RBAC, and injected
 * faults (5xx answers, expired or dropped watches).
 */

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
}

export const RESOURCES: Record<string, ResourceInfo> = {
  pods: { group: '', version: 'v1', kind: 'Pod' },
  secrets: { group: '', version: 'v1', kind: 'Secret' },
  jobs: { group: 'batch', version: 'v1', kind: 'Job' },
};

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

/** What the API server asks of the simulated control plane (the node and the controllers). */
export interface ClusterControl {
  /** Defaults the controllers rely on (a Job's selector and pod labels). */
  prepareCreate(resource: string, object: KubeObject): void;
  deleteJob(namespace: string, name: string, policy: PropagationPolicy): KubeObject;
  deletePod(namespace: string, name: string, gracePeriodSeconds: number | undefined): KubeObject;
  podLog(namespace: string, name: string): string | undefined;
}

/** One RBAC rule, as in a Role. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface Fault {
  method?: string;
  /** Matched against the path (no query). */
  path?: RegExp;
  /** Only watch requests (true), only other requests (false), or both (undefined). */
  watch?: boolean;
  status: number;
  /** How many matching requests fail; default 1. */
  times?: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  verb: string;
  resource: string;
  status: number;
}

interface OpenWatch {
  res: ServerResponse;
  socket: Socket;
  stop(): void;
}

export interface ApiServerOptions {
  store: ObjectStore;
  control: ClusterControl;
  now: () => Date;
  /** When set, requests outside these rules answer 403, as for the orchestrator's ServiceAccount. */
  rules?: PolicyRule[];
  /** Servers end watches after a while (5 to 10 minutes in a real cluster); clients must re-watch. */
  watchTimeoutMs?: number;
}

export class FakeApiServer {
  readonly calls: RecordedCall[] = [];
  private readonly faults: (Fault & { left: number })[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  url = '';

  constructor(private readonly options: ApiServerOptions) {}

  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, statusBody(500, 'InternalError', String(error)));
        else res.destroy();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Makes the next matching request(s) fail with `status`. */
  failNext(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Ends every open watch with an `ERROR 410 Gone` event and compacts history, so clients must relist. */
  expireWatches(): void {
    this.options.store.compact();
    for (const watch of [...this.watches]) {
      writeEvent(watch.res, 'ERROR', statusBody(410, 'Expired', 'too old resource version'));
      watch.stop();
    }
  }

  /** Cuts every open watch connection without a word, as a network failure would. */
  dropWatches(): void {
    for (const watch of [...this.watches]) watch.socket.destroy();
  }

  get openWatches(): number {
    return this.watches.size;
  }

  async close(): Promise<void> {
    for (const watch of [...this.watches]) watch.stop();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const route = parseRoute(url.pathname);
    const watch = query.watch === 'true' || query.watch === '1';
    const record = (verb: string, status: number) =>
      this.calls.push({
        method,
        path: url.pathname,
        query,
        verb,
        resource: route ? route.resource + (route.sub ? `/${route.sub}` : '') : '',
        status,
      });

    if (url.pathname === '/version') {
      send(res, 200, { major: '1', minor: '33', gitVersion: 'v1.33.0-fake', platform: 'linux/amd64' });
      return;
    }
    if (!route) {
      record('', 404);
      send(res, 404, statusBody(404, 'NotFound', `the server could not find the requested resource`));
      return;
    }
    const verb = verbOf(method, route.name !== null, watch);
    const fault = this.takeFault(method, url.pathname, watch);
    if (fault) {
      record(verb, fault);
      send(
        res,
        fault,
        statusBody(fault, fault === 503 ? 'ServiceUnavailable' : 'InternalError', 'injected fault'),
      );
      return;
    }
    const info = RESOURCES[route.resource];
    if (!info || (route.group !== info.group && !(route.group === '' && info.group === ''))) {
      record(verb, 404);
      send(res, 404, statusBody(404, 'NotFound', `the server could not find the requested resource`));
      return;
    }
    const resourceName = route.sub ? `${route.resource}/${route.sub}` : route.resource;
    if (!this.allowed(info.group, resourceName, verb)) {
      record(verb, 403);
      const groupText = info.group ? `${route.resource}.${info.group}` : route.resource;
      send(
        res,
        403,
        statusBody(
          403,
          'Forbidden',
          `${groupText} is forbidden: User "system:serviceaccount:backend:fanout-orchestrator" cannot ${verb} resource "${resourceName}" in API group "${info.group}" in the namespace "${route.namespace ?? ''}"`,
        ),
      );
      return;
    }

    const { store } = this.options;
    const ns = route.namespace;
    try {
      if (method === 'GET' && watch && route.name === null) {
        record(verb, 200);
        this.serveWatch(req, res, route.resource, ns, query);
        return;
      }
      if (method === 'GET' && route.name === null) {
        const match = parseLabelSelector(query.labelSelector);
        const items = store.list(route.resource, ns, (o) => match(o.metadata.labels));
        record(verb, 200);
        send(res, 200, {
          apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
          kind: `${info.kind}List`,
          metadata: { resourceVersion: store.resourceVersion },
          items,
        });
        return;
      }
      if (method === 'GET' && route.sub === 'log' && ns !== null && route.name) {
        const log = this.options.control.podLog(ns, route.name);
        if (log === undefined) throw new NotFound(`pods "${route.name}" not found`);
        record(verb, 200);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(log);
        return;
      }
      if (method === 'GET' && ns !== null && route.name) {
        const found = store.get(route.resource, ns, route.name);
        if (!found) throw new NotFound(`${groupName(route.resource)} "${route.name}" not found`);
        record(verb, 200);
        send(res, 200, found);
        return;
      }
      if (method === 'POST' && ns !== null && route.name === null) {
        const body = (await readJson(req)) as KubeObject;
        if (body.metadata?.namespace && body.metadata.namespace !== ns) {
          record(verb, 400);
          send(
            res,
            400,
            statusBody(400, 'BadRequest', 'the namespace of the object does not match the request'),
          );
          return;
        }
        if (!body.metadata?.name) {
          record(verb, 422);
          send(res, 422, statusBody(422, 'Invalid', 'metadata.name: Required value'));
          return;
        }
        const object = clone(body);
        object.metadata.namespace = ns;
        object.apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
        object.kind = info.kind;
        this.options.control.prepareCreate(route.resource, object);
        let created: KubeObject;
        try {
          created = store.create(route.resource, object, this.options.now());
        } catch (error) {
          if (error instanceof Conflict) {
            record(verb, 409);
            send(
              res,
              409,
              statusBody(
                409,
                'AlreadyExists',
                `${groupName(route.resource)} "${object.metadata.name}" already exists`,
                {
                  name: object.metadata.name,
                  group: info.group,
                  kind: route.resource,
                },
              ),
            );
            return;
          }
          throw error;
        }
        record(verb, 201);
        send(res, 201, created);
        return;
      }
      if (method === 'DELETE' && ns !== null && route.name && !route.sub) {
        const body = (await readJson(req).catch(() => ({}))) as {
          propagationPolicy?: string;
          gracePeriodSeconds?: number;
        };
        const policy = (query.propagationPolicy ?? body.propagationPolicy) as PropagationPolicy | undefined;
        const grace = query.gracePeriodSeconds ?? body.gracePeriodSeconds;
        let deleted: KubeObject;
        if (route.resource === 'jobs') {
          // batch/v1 Jobs orphan their pods unless told otherwise.
          deleted = this.options.control.deleteJob(ns, route.name, policy ?? 'Orphan');
        } else if (route.resource === 'pods') {
          deleted = this.options.control.deletePod(
            ns,
            route.name,
            grace === undefined ? undefined : Number(grace),
          );
        } else {
          deleted = store.remove(route.resource, ns, route.name);
        }
        record(verb, 200);
        send(res, 200, deleted);
        return;
      }
      record(verb, 405);
      send(res, 405, statusBody(405, 'MethodNotAllowed', `${method} is not supported here`));
    } catch (error) {
      if (error instanceof NotFound) {
        record(verb, 404);
        send(
          res,
          404,
          statusBody(404, 'NotFound', error.message, { name: route.name, kind: route.resource }),
        );
        return;
      }
      throw error;
    }
  }

  private serveWatch(
    req: IncomingMessage,
    res: ServerResponse,
    resource: string,
    namespace: string | null,
    query: Record<string, string>,
  ): void {
    const { store } = this.options;
    const match = parseLabelSelector(query.labelSelector);
    const wanted = (e: StoreEvent) =>
      e.resource === resource &&
      (namespace === null || e.object.metadata.namespace === namespace) &&
      match(e.object.metadata.labels);
    // Headers first: clients wait for them before they count the watch as started.
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();

    const rvText = query.resourceVersion ?? '';
    if (rvText !== '' && rvText !== '0') {
      const missed = store.since(Number(rvText));
      if (missed === null) {
        writeEvent(res, 'ERROR', statusBody(410, 'Expired', `too old resource version: ${rvText}`));
        res.end();
        return;
      }
      for (const event of missed) if (wanted(event)) writeEvent(res, event.type, event.object);
    } else {
      for (const object of store.list(resource, namespace, (o) => match(o.metadata.labels))) {
        writeEvent(res, 'ADDED', object);
      }
    }

    const unsubscribe = store.subscribe((event) => {
      if (wanted(event)) writeEvent(res, event.type, event.object);
    });
    const timeoutMs =
      query.timeoutSeconds !== undefined ? Number(query.timeoutSeconds) * 1000 : this.options.watchTimeoutMs;
    const timer = timeoutMs ? setTimeout(() => open.stop(), timeoutMs) : null;
    const open: OpenWatch = {
      res,
      socket: req.socket,
      stop: () => {
        cleanup();
        res.end();
      },
    };
    const cleanup = () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      this.watches.delete(open);
    };
    this.watches.add(open);
    res.on('close', cleanup);
  }

  private takeFault(method: string, path: string, watch: boolean): number | null {
    const index = this.faults.findIndex(
      (f) =>
        (!f.method || f.method === method) &&
        (!f.path || f.path.test(path)) &&
        (f.watch === undefined || f.watch === watch),
    );
    const fault = this.faults[index];
    if (!fault) return null;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return fault.status;
  }

  private allowed(group: string, resource: string, verb: string): boolean {
    const rules = this.options.rules;
    if (!rules) return true;
    return rules.some(
      (r) =>
        (r.apiGroups.includes(group) || r.apiGroups.includes('*')) &&
        (r.resources.includes(resource) || r.resources.includes('*')) &&
        (r.verbs.includes(verb) || r.verbs.includes('*')),
    );
  }
}

interface Route {
  group: string;
  namespace: string | null;
  resource: string;
  name: string | null;
  sub: string | null;
}

function parseRoute(path: string): Route | null {
  const match =
    /^\/(?:api\/v1|apis\/([a-z0-9.-]+)\/v1)(?:\/namespaces\/([a-z0-9-]+))?\/([a-z]+)(?:\/([a-z0-9.-]+)(?:\/([a-z]+))?)?$/.exec(
      path,
    );
  if (!match) return null;
  const [, group = '', namespace, resource = '', name, sub] = match;
  return { group, namespace: namespace ?? null, resource, name: name ?? null, sub: sub ?? null };
}

function verbOf(method: string, named: boolean, watch: boolean): string {
  if (method === 'GET') return watch ? 'watch' : named ? 'get' : 'list';
  if (method === 'POST') return 'create';
  if (method === 'DELETE') return named ? 'delete' : 'deletecollection';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  return method.toLowerCase();
}

function groupName(resource: string): string {
  const group = RESOURCES[resource]?.group;
  return group ? `${resource}.${group}` : resource;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function writeEvent(res: ServerResponse, type: string, object: unknown): void {
  if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}

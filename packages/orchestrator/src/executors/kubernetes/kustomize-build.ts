import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * Test support: `kubectl kustomize <dir>` for the subset of Kustomize that k8s/ uses, so CI can check
 * the manifests an overlay produces without the kustomize binary. Anything outside the subset is an
 * error, never silently ignored: `resources` (files and folders), `images`, `replicas`, and `patches`
 * (a strategic-merge file or inline patch, or an inline JSON 6902 patch with a `target`).
 */

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
};

interface Kustomization {
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: {
    path?: string;
    patch?: string;
    target?: { kind?: string; name?: string; namespace?: string };
  }[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'images', 'replicas', 'patches']);

/** Parses every YAML document of a file; empty documents are dropped. */
export async function readYamlDocuments(path: string): Promise<unknown[]> {
  const docs = parseAllDocuments(await readFile(path, 'utf8'));
  return docs
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0]?.message}`);
      return doc.toJS() as unknown;
    })
    .filter((d) => d !== null && d !== undefined);
}

export async function kustomizeBuild(dir: string): Promise<Manifest[]> {
  const file = join(dir, 'kustomization.yaml');
  const [k] = (await readYamlDocuments(file)) as [Kustomization & Record<string, unknown>];
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) throw new Error(`${file}: "${key}" is not supported by this test build`);
  }
  let objects: Manifest[] = [];
  for (const resource of k.resources ?? []) {
    const path = resolve(dir, resource);
    if ((await stat(path)).isDirectory()) objects.push(...(await kustomizeBuild(path)));
    else objects.push(...((await readYamlDocuments(path)) as Manifest[]));
  }
  for (const patch of k.patches ?? []) objects = await applyPatch(objects, patch, dir);
  for (const image of k.images ?? []) objects.forEach((o) => setImage(o, image));
  for (const { name, count } of k.replicas ?? []) {
    const target = objects.find((o) => o.metadata.name === name && o.kind === 'Deployment');
    if (!target) throw new Error(`${file}: replicas: no Deployment ${name}`);
    (target.spec as Record<string, unknown>).replicas = count;
  }
  return objects;
}

async function applyPatch(
  objects: Manifest[],
  patch: NonNullable<Kustomization['patches']>[number],
  dir: string,
): Promise<Manifest[]> {
  const docs = patch.path
    ? await readYamlDocuments(resolve(dir, patch.path))
    : parseAllDocuments(patch.patch ?? '').map((d) => d.toJS() as unknown);
  const [body] = docs;
  if (Array.isArray(body)) {
    const targets = objects.filter(
      (o) =>
        (!patch.target?.kind || o.kind === patch.target.kind) &&
        (!patch.target?.name || o.metadata.name === patch.target.name) &&
        (!patch.target?.namespace || o.metadata.namespace === patch.target.namespace),
    );
    if (!targets.length) throw new Error(`${dir}: a JSON patch matches nothing`);
    for (const target of targets) applyJsonPatch(target, body as JsonPatchOp[]);
    return objects;
  }
  const smp = body as Manifest;
  const index = objects.findIndex(
    (o) =>
      o.kind === smp.kind &&
      o.metadata.name === smp.metadata.name &&
      (o.metadata.namespace ?? '') === (smp.metadata.namespace ?? ''),
  );
  if (index < 0) throw new Error(`${dir}: a patch matches no ${smp.kind} ${smp.metadata.name}`);
  return objects.map((o, i) => (i === index ? (strategicMerge(o, smp) as Manifest) : o));
}

interface JsonPatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

function applyJsonPatch(target: Record<string, unknown>, ops: JsonPatchOp[]): void {
  for (const { op, path, value } of ops) {
    const keys = path
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop();
    if (last === undefined) throw new Error(`bad JSON patch path ${path}`);
    let node: Record<string, unknown> = target;
    for (const key of keys) {
      const next = node[key];
      if (typeof next !== 'object' || next === null)
        throw new Error(`JSON patch path ${path} does not exist`);
      node = next as Record<string, unknown>;
    }
    if (op !== 'add' && !(last in node)) throw new Error(`JSON patch path ${path} does not exist`);
    if (op === 'remove') delete node[last];
    else node[last] = value;
  }
}

/** Maps merge key by key; lists of objects with `name` merge item by item; other lists are replaced. */
function strategicMerge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(patch)) {
    const named = (list: unknown[]) => list.every((i) => typeof i === 'object' && i !== null && 'name' in i);
    if (!named(base) || !named(patch)) return patch;
    const out = [...base] as { name: string }[];
    for (const item of patch as { name: string }[]) {
      const at = out.findIndex((o) => o.name === item.name);
      if (at < 0) out.push(item);
      else out[at] = strategicMerge(out[at], item) as { name: string };
    }
    return out;
  }
  if (isMap(base) && isMap(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      out[key] = key in base ? strategicMerge(base[key], value) : value;
    }
    return out;
  }
  return patch;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Containers of any workload: Deployment, Job, Pod. */
export function podSpecOf(object: Manifest): PodSpecLike | null {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (object.kind === 'Pod') return (spec as PodSpecLike | undefined) ?? null;
  const template = spec?.template as { spec?: PodSpecLike } | undefined;
  return template?.spec ?? null;
}
interface PodSpecLike {
  containers: { image?: string }[];
  initContainers?: { image?: string }[];
}

function setImage(object: Manifest, image: NonNullable<Kustomization['images']>[number]): void {
  const pod = podSpecOf(object);
  for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
    if (!container.image) continue;
    const [name, tag] = splitImage(container.image);
    if (name !== image.name) continue;
    container.image = `${image.newName ?? name}${(image.newTag ?? tag) ? `:${image.newTag ?? tag}` : ''}`;
  }
}

function splitImage(image: string): [string, string | undefined] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

/** The repository's k8s/ folder, from this file's place in the source tree or its build output. */
export function k8sDir(fromFile: string): string {
  return resolve(dirname(fromFile), '..', '..', '..', '..', '..', 'k8s');
}

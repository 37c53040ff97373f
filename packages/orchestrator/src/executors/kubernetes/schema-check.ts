import * as k8s from '@kubernetes/client-node';

/**
 * Test support: checks Kubernetes objects the way an API server would before it stores them.
 * - `schemaErrors`: the Kubernetes OpenAPI schema (through kubernetes-models, a dev dependency).
 * - `unknownFields`: fields the API does not know (what `kubectl apply --validate=strict` refuses),
 *   through the model tables of @kubernetes/client-node, since the schema allows extra fields.
 */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [key: string]: unknown;
}

export function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const obj = value as Record<string, unknown>;
  return typeof obj.apiVersion === 'string' && typeof obj.kind === 'string';
}

interface ValidatingModel {
  validate(): void;
}
type ModelClass = new (data: unknown) => ValidatingModel;

/** Schema errors of one object (empty when it is valid); an unknown kind is an error too. */
export async function schemaErrors(obj: KubeObject): Promise<string[]> {
  const modulePath = `kubernetes-models/${obj.apiVersion}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(modulePath)) as Record<string, unknown>;
  } catch {
    return [`no schema for apiVersion ${obj.apiVersion}`];
  }
  const Model = mod[obj.kind] as ModelClass | undefined;
  if (typeof Model !== 'function') return [`no schema for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

interface AttributeType {
  baseName: string;
  type: string;
}
interface ModelTable {
  getAttributeTypeMap(): AttributeType[];
}

const MODELS = k8s as unknown as Record<string, ModelTable | undefined>;

/** The client-node model name of a kind: `apps/v1` `Deployment` → `V1Deployment`. */
export function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop() ?? apiVersion;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Paths of fields that the Kubernetes API does not define, e.g. `spec.template.spec.containers[0].bogus`. */
export function unknownFields(obj: KubeObject): string[] {
  const name = modelName(obj.apiVersion, obj.kind);
  if (!MODELS[name]?.getAttributeTypeMap) return [`unknown kind ${obj.apiVersion} ${obj.kind}`];
  const found: string[] = [];
  walk(obj, name, '', found);
  return found;
}

function walk(value: unknown, type: string, path: string, found: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1]) {
    if (Array.isArray(value))
      value.forEach((item, i) => walk(item, array[1] as string, `${path}[${i}]`, found));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1]) {
    if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(item, map[1], `${path}.${key}`, found);
    }
    return;
  }
  const model = MODELS[type];
  if (!model?.getAttributeTypeMap || typeof value !== 'object' || Array.isArray(value)) return;
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    const next = attributes.get(key);
    const at = path ? `${path}.${key}` : key;
    if (next === undefined) found.push(at);
    else walk(item, next, at, found);
  }
}

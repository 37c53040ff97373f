import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { k8sDir, kustomizeBuild, podSpecOf, readYamlDocuments, type Manifest } from './kustomize-build.js';
import { podSecurityViolations } from './pod-security.js';
import { isKubeObject, schemaErrors, unknownFields } from './schema-check.js';

const K8S = k8sDir(import.meta.filename);
const BUILDS = { base: join(K8S, 'base'), example: join(K8S, 'overlays', 'example') };

/** What the orchestrator may do, and nothing more: (apiGroup, resource, verb). */
const ALLOWED_RBAC = new Set([
  ...['create', 'get', 'list', 'watch', 'delete'].map((v) => `batch/jobs/${v}`),
  ...['get', 'list', 'watch'].flatMap((v) => [`/pods/${v}`, `/pods/log/${v}`]),
]);

function find(objects: Manifest[], kind: string, name: string): Manifest {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

async function allYamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe.each(Object.entries(BUILDS))('k8s/ build %s', (_name, dir) => {
  it('produces only objects that match the Kubernetes schemas, with no unknown fields', async () => {
    const objects = await kustomizeBuild(dir);
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) {
      const where = `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
      expect({ where, errors: await schemaErrors(object) }).toEqual({ where, errors: [] });
      expect({ where, unknown: unknownFields(object) }).toEqual({ where, unknown: [] });
    }
  });

  it('runs every pod under the restricted profile with a read-only root file system', async () => {
    const objects = await kustomizeBuild(dir);
    const workloads = objects.filter((o) => podSpecOf(o));
    expect(workloads.map((o) => o.metadata.name).sort()).toEqual(['fanout-orchestrator', 'fanout-web']);
    for (const workload of workloads) {
      const spec = podSpecOf(workload) as V1PodSpec;
      expect({ name: workload.metadata.name, problems: podSecurityViolations(spec) }).toEqual({
        name: workload.metadata.name,
        problems: [],
      });
      expect(spec.securityContext?.runAsUser).toBe(1000);
    }
    for (const ns of ['frontend', 'backend']) {
      const labels = find(objects, 'Namespace', ns).metadata.labels as Record<string, string>;
      expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    }
  });

  it('grants the orchestrator nothing beyond Jobs and reading pods and their logs', async () => {
    const objects = await kustomizeBuild(dir);
    const roles = objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole');
    expect(roles.map((r) => `${r.kind}/${r.metadata.name}`)).toEqual(['Role/fanout-orchestrator']);
    expect(objects.filter((o) => o.kind === 'ClusterRoleBinding')).toEqual([]);
    const rules = (
      roles[0] as unknown as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] }
    ).rules;
    const granted = rules.flatMap((r) =>
      r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}/${v}`))),
    );
    for (const grant of granted) expect(ALLOWED_RBAC, grant).toContain(grant);
    expect(new Set(granted)).toEqual(ALLOWED_RBAC);
    const binding = find(objects, 'RoleBinding', 'fanout-orchestrator') as unknown as {
      subjects: { kind: string; name: string; namespace: string }[];
      roleRef: { name: string };
    };
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'fanout-orchestrator', namespace: 'backend' },
    ]);
    expect(binding.roleRef.name).toBe('fanout-orchestrator');
    const deployment = find(objects, 'Deployment', 'fanout-orchestrator');
    expect((podSpecOf(deployment) as V1PodSpec).serviceAccountName).toBe('fanout-orchestrator');
  });

  it('binds the runs volume statically and mounts it where the orchestrator keeps runs', async () => {
    const objects = await kustomizeBuild(dir);
    const pv = find(objects, 'PersistentVolume', 'fanout-runs') as unknown as {
      spec: {
        storageClassName: string;
        hostPath: { path: string };
        claimRef: { name: string; namespace: string };
      };
    };
    const pvc = find(objects, 'PersistentVolumeClaim', 'fanout-runs') as unknown as {
      metadata: { namespace: string };
      spec: { storageClassName: string; volumeName: string };
    };
    expect(pv.spec.storageClassName).toBe('');
    expect(pvc.spec.storageClassName).toBe('');
    expect(pvc.spec.volumeName).toBe('fanout-runs');
    expect(pv.spec.claimRef).toEqual({ namespace: 'backend', name: 'fanout-runs' });
    expect(pvc.metadata.namespace).toBe('backend');

    const config = find(objects, 'ConfigMap', 'fanout-orchestrator') as unknown as {
      data: Record<string, string>;
    };
    const spec = podSpecOf(find(objects, 'Deployment', 'fanout-orchestrator')) as V1PodSpec;
    const mount = spec.containers[0]?.volumeMounts?.find((m) => m.name === 'runs');
    expect(mount?.mountPath).toBe(config.data.FANOUT_STORAGE);
    expect(spec.volumes?.find((v) => v.name === 'runs')?.persistentVolumeClaim?.claimName).toBe(
      config.data.FANOUT_RUNS_CLAIM,
    );
    expect(config.data.FANOUT_EXECUTOR).toBe('kubernetes');
    expect(config.data.FANOUT_NAMESPACE).toBe('backend');
  });

  it('runs the orchestrator replicated, probed, protected by a budget, behind a Service', async () => {
    const objects = await kustomizeBuild(dir);
    const deployment = find(objects, 'Deployment', 'fanout-orchestrator') as unknown as {
      spec: { replicas: number; selector: { matchLabels: Record<string, string> } };
    };
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    const container = (podSpecOf(deployment as unknown as Manifest) as V1PodSpec).containers[0];
    expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container?.resources?.requests).toBeDefined();
    expect(container?.resources?.limits).toBeDefined();
    const pdb = find(objects, 'PodDisruptionBudget', 'fanout-orchestrator') as unknown as {
      spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } };
    };
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    const service = find(objects, 'Service', 'fanout-orchestrator') as unknown as {
      spec: { selector: Record<string, string> };
    };
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  it('serves the web UI in frontend and points its /api proxy at the orchestrator Service', async () => {
    const objects = await kustomizeBuild(dir);
    const web = find(objects, 'Deployment', 'fanout-web');
    expect(web.metadata.namespace).toBe('frontend');
    const env = (podSpecOf(web) as V1PodSpec).containers[0]?.env ?? [];
    const apiUrl = env.find((e) => e.name === 'FANOUT_API_URL')?.value;
    const service = find(objects, 'Service', 'fanout-orchestrator');
    expect(apiUrl).toBe(`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`);
    expect(find(objects, 'Service', 'fanout-web').metadata.namespace).toBe('frontend');
  });
});

describe('k8s/overlays/example', () => {
  it('changes the images, the replicas and the storage path of the base', async () => {
    const objects = await kustomizeBuild(BUILDS.example);
    const images = objects
      .map((o) => podSpecOf(o)?.containers[0]?.image)
      .filter(Boolean)
      .sort();
    expect(images).toEqual([
      'registry.example.com/fanout/orchestrator:0.1.0',
      'registry.example.com/fanout/web:0.1.0',
    ]);
    expect((find(objects, 'Deployment', 'fanout-orchestrator').spec as { replicas: number }).replicas).toBe(
      3,
    );
    const pv = find(objects, 'PersistentVolume', 'fanout-runs') as unknown as {
      spec: { hostPath: { path: string } };
    };
    expect(pv.spec.hostPath.path).toBe('/srv/fanout-runs');
    const config = find(objects, 'ConfigMap', 'fanout-orchestrator') as unknown as {
      data: Record<string, string>;
    };
    expect(config.data.FANOUT_WORKER_IMAGE).toBe('registry.example.com/fanout/worker:0.1.0');
    expect(config.data.FANOUT_STORAGE).toBe('/mnt/claude-output');
  });
});

describe('every YAML file under k8s/', () => {
  it('parses, and each Kubernetes object in it matches the schemas', async () => {
    const files = await allYamlFiles(K8S);
    expect(files.some((f) => f.endsWith('secrets.example.yaml'))).toBe(true);
    for (const file of files) {
      for (const doc of await readYamlDocuments(file)) {
        if (!isKubeObject(doc) || doc.kind === 'Kustomization') continue;
        // Patches are partial objects; they are checked in the build that applies them.
        if (file.includes('/overlays/')) continue;
        expect({ file, errors: await schemaErrors(doc) }).toEqual({ file, errors: [] });
        expect({ file, unknown: unknownFields(doc) }).toEqual({ file, unknown: [] });
      }
    }
  });

  it('holds no real credentials in the Secret example', async () => {
    const docs = await readYamlDocuments(join(K8S, 'examples', 'secrets.example.yaml'));
    for (const doc of docs as { kind: string; stringData?: Record<string, string> }[]) {
      expect(doc.kind).toBe('Secret');
      for (const value of Object.values(doc.stringData ?? {})) expect(value).toMatch(/^replace-with-/);
    }
  });
});

import type { V1Container, V1PodSpec, V1SecurityContext } from '@kubernetes/client-node';

/**
 * Checks a pod spec against the `restricted` Pod Security Standard (which includes `baseline`), plus
 * fanout's own rule that every container has a read-only root file system. Returns what is wrong, in
 * words; an empty list means the pod passes. Used by tests on every pod fanout creates or ships.
 */
export function podSecurityViolations(spec: V1PodSpec): string[] {
  const problems: string[] = [];
  const pod = spec.securityContext ?? {};

  if (spec.hostNetwork) problems.push('hostNetwork is set');
  if (spec.hostPID) problems.push('hostPID is set');
  if (spec.hostIPC) problems.push('hostIPC is set');
  if (pod.runAsUser === 0) problems.push('pod runAsUser is 0');
  if (pod.sysctls?.length) problems.push('pod sets sysctls');
  if (pod.seccompProfile && !SECCOMP_OK.has(pod.seccompProfile.type)) {
    problems.push(`pod seccompProfile is ${pod.seccompProfile.type}`);
  }
  for (const volume of spec.volumes ?? []) {
    const kinds = Object.keys(volume).filter((k) => k !== 'name');
    for (const kind of kinds) {
      if (!ALLOWED_VOLUMES.has(kind)) problems.push(`volume ${volume.name} is of type ${kind}`);
    }
  }

  const containers: V1Container[] = [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...((spec.ephemeralContainers ?? []) as V1Container[]),
  ];
  for (const container of containers) {
    const sc: V1SecurityContext = container.securityContext ?? {};
    const where = `container ${container.name}`;
    if (sc.privileged) problems.push(`${where} is privileged`);
    if (sc.allowPrivilegeEscalation !== false) {
      problems.push(`${where} does not set allowPrivilegeEscalation: false`);
    }
    if (!(sc.capabilities?.drop ?? []).includes('ALL'))
      problems.push(`${where} does not drop ALL capabilities`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap !== 'NET_BIND_SERVICE') problems.push(`${where} adds capability ${cap}`);
    }
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (nonRoot !== true) problems.push(`${where} may run as root (runAsNonRoot is not true)`);
    if (sc.runAsUser === 0) problems.push(`${where} runAsUser is 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (!seccomp || !SECCOMP_OK.has(seccomp)) {
      problems.push(`${where} has no RuntimeDefault or Localhost seccomp profile`);
    }
    if (sc.procMount && sc.procMount !== 'Default') problems.push(`${where} sets procMount ${sc.procMount}`);
    for (const port of container.ports ?? []) {
      if (port.hostPort) problems.push(`${where} uses hostPort ${port.hostPort}`);
    }
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${where} has a writable root file system`);
  }
  return problems;
}

const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);

/** Volume types the restricted profile allows. */
const ALLOWED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

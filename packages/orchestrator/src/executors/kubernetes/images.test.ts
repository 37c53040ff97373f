import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKER_BUNDLE, WORKER_NODE_FLAGS } from '@fanout/worker';
import { k8sDir } from './kustomize-build.js';

/** Checks on docker/*.Dockerfile and deploy.sh that need no Docker engine and no cluster. */
const ROOT = resolve(k8sDir(import.meta.filename), '..');
const IMAGES = ['orchestrator', 'worker', 'web'] as const;

async function dockerfile(image: string): Promise<string> {
  return readFile(join(ROOT, 'docker', `${image}.Dockerfile`), 'utf8');
}

/** The instructions of the last stage (the image that ships). */
function finalStage(text: string): string {
  return text.slice(text.lastIndexOf('\nFROM '));
}

describe.each(IMAGES)('docker/%s.Dockerfile', (image) => {
  it('is multi-stage on node:20-bookworm-slim and ships as UID 1000', async () => {
    const text = await dockerfile(image);
    const froms = text.match(/^FROM .*/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^FROM node:20-bookworm-slim( AS \w+)?$/);
    expect(finalStage(text)).toMatch(/^USER 1000:1000$/m);
    expect(finalStage(text)).toMatch(/^CMD \[/m);
    expect(text).toMatch(/npm ci /);
  });

  it('copies the package.json of every workspace before npm ci, so the lockfile installs', async () => {
    const text = await dockerfile(image);
    const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
    const stages = text.split(/^FROM /m).filter((s) => /npm ci/.test(s));
    for (const stage of stages) {
      const copied = [...stage.matchAll(/^COPY (packages\/[^/]+)\/package\.json /gm)].map((m) => m[1]);
      expect(copied.sort()).toEqual([...root.workspaces].sort());
    }
  });
});

/** A package and every package its tsconfig references, transitively (what `tsc -b` compiles). */
async function projectClosure(pkg: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(pkg)) return seen;
  seen.add(pkg);
  const tsconfig = JSON.parse(await readFile(join(ROOT, 'packages', pkg, 'tsconfig.json'), 'utf8')) as {
    references?: { path: string }[];
  };
  for (const ref of tsconfig.references ?? []) await projectClosure(ref.path.replace(/^\.\.\//, ''), seen);
  return seen;
}

describe.each(IMAGES)('the build stage of docker/%s.Dockerfile', (image) => {
  it('copies the sources of every project that `tsc -b` builds', async () => {
    const text = await dockerfile(image);
    const built = [...text.matchAll(/npx tsc -b packages\/([a-z-]+)/g)].map((m) => m[1] as string);
    expect(built.length).toBeGreaterThan(0);
    const copied = new Set([...text.matchAll(/^COPY packages\/([a-z-]+) packages\/\1$/gm)].map((m) => m[1]));
    for (const pkg of built) {
      for (const needed of await projectClosure(pkg))
        expect(copied, `${image} needs ${needed}`).toContain(needed);
    }
  });
});

describe('images', () => {
  it('give the worker git and put fanout-worker on PATH', async () => {
    const worker = finalStage(await dockerfile('worker'));
    expect(worker).toMatch(/apt-get install[^\n]* git /);
    expect(worker).toMatch(/\/usr\/local\/bin\/fanout-worker/);
    // The bundle the local executor starts, with the same V8 flags, built in the build stage.
    expect(worker).toContain(
      `exec node ${WORKER_NODE_FLAGS.join(' ')} /app/packages/worker/dist/${WORKER_BUNDLE}`,
    );
    expect(await dockerfile('worker')).toContain('npm run bundle -w @fanout/worker');
  });

  it('give the orchestrator git for run repositories and diffs', async () => {
    expect(finalStage(await dockerfile('orchestrator'))).toMatch(/apt-get install[^\n]* git /);
  });

  it('leave dependencies, builds and the git folder out of the build context', async () => {
    const ignore = (await readFile(join(ROOT, '.dockerignore'), 'utf8')).split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.git']) expect(ignore).toContain(entry);
  });
});

describe('deploy.sh', () => {
  it('mounts the host runs folder where the runs volume expects it and builds every image', async () => {
    const text = await readFile(join(ROOT, 'deploy.sh'), 'utf8');
    expect(text).toMatch(/--driver=docker/);
    expect(text).toContain('$HOME/code/claude-storage');
    expect(text).toContain('NODE_STORAGE=/mnt/claude-output');
    expect(text).toMatch(/--mount-string="\$HOST_STORAGE:\$NODE_STORAGE"/);
    expect(text).toMatch(/for image in orchestrator worker web/);
    expect(text).toMatch(/ANTHROPIC_API_KEY/);
    expect(text).toMatch(/apply -k/);
    expect(text).toMatch(/rollout status/);
    expect(text).toMatch(/^\s+down\) down ;;/m);
  });
});

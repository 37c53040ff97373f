# syntax=docker/dockerfile:1
# The worker image: one agent per pod. `fanout-worker` is on PATH (Jobs name it as the command);
# git commits the agent's work; the Claude Code binary comes inside the Agent SDK's platform package.
# Build from the repository root: docker build -f docker/worker.Dockerfile -t fanout-worker:dev .

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/test-utils/package.json packages/test-utils/
COPY packages/worker/package.json packages/worker/
COPY packages/orchestrator/package.json packages/orchestrator/
COPY packages/cli/package.json packages/cli/
COPY packages/web/package.json packages/web/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY packages/shared packages/shared
COPY packages/test-utils packages/test-utils
COPY packages/worker packages/worker
RUN npx tsc -b packages/worker && npm run bundle -w @fanout/worker

# Production dependencies of the worker only.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/test-utils/package.json packages/test-utils/
COPY packages/worker/package.json packages/worker/
COPY packages/orchestrator/package.json packages/orchestrator/
COPY packages/cli/package.json packages/cli/
COPY packages/web/package.json packages/web/
RUN npm ci --omit=dev --workspace @fanout/worker --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates procps \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /home/fanout && chown 1000:1000 /home/fanout
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/packages/shared/package.json packages/shared/
COPY --from=build /app/packages/shared/dist packages/shared/dist
COPY --from=build /app/packages/worker/package.json packages/worker/
COPY --from=build /app/packages/worker/dist packages/worker/dist
# exec keeps the worker as PID 1, so SIGTERM from Kubernetes reaches it directly. The V8 flags and the
# launcher are the local executor's (WORKER_NODE_FLAGS and WORKER_BUNDLE in
# packages/worker/src/bundle-path.ts): less CPU per worker, and the code cache the build stage made.
RUN printf '#!/bin/sh\nexec node --no-memory-reducer --single-threaded-gc /app/packages/worker/dist/worker.cjs "$@"\n' > /usr/local/bin/fanout-worker \
 && chmod 755 /usr/local/bin/fanout-worker
# Claude Code must not try to update itself or phone home from a read-only image.
ENV NODE_ENV=production HOME=/home/fanout DISABLE_AUTOUPDATER=1 DISABLE_TELEMETRY=1 DISABLE_ERROR_REPORTING=1
# The image's own `node` user has UID 1000; pods run as 1000 with a read-only root file system.
USER 1000:1000
CMD ["fanout-worker"]

# syntax=docker/dockerfile:1
# The orchestrator image: HTTP API, run store and the kubernetes executor. git creates the run
# repositories and worktrees and computes diffs.
# Build from the repository root: docker build -f docker/orchestrator.Dockerfile -t fanout-orchestrator:dev .

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
COPY packages/orchestrator packages/orchestrator
RUN npx tsc -b packages/orchestrator

# Production dependencies of the orchestrator only.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/test-utils/package.json packages/test-utils/
COPY packages/worker/package.json packages/worker/
COPY packages/orchestrator/package.json packages/orchestrator/
COPY packages/cli/package.json packages/cli/
COPY packages/web/package.json packages/web/
RUN npm ci --omit=dev --workspace @fanout/orchestrator --no-audit --no-fund && npm cache clean --force

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
COPY --from=build /app/packages/orchestrator/package.json packages/orchestrator/
COPY --from=build /app/packages/orchestrator/dist packages/orchestrator/dist
ENV NODE_ENV=production HOME=/home/fanout FANOUT_HOST=0.0.0.0 FANOUT_PORT=7420 FANOUT_WEB_ROOT=
USER 1000:1000
EXPOSE 7420
CMD ["node", "/app/packages/orchestrator/dist/bin.js"]

# syntax=docker/dockerfile:1
# The web image: the built React app and a small server (one bundled file) that serves it and
# forwards /api, Server-Sent Events included, to the orchestrator Service.
# Build from the repository root: docker build -f docker/web.Dockerfile -t fanout-web:dev .

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
COPY packages/web packages/web
COPY packages/orchestrator/src/frontend packages/orchestrator/src/frontend
RUN npx tsc -b packages/shared \
 && npm run build -w @fanout/web \
 && npx --no-install esbuild packages/orchestrator/src/frontend/bin.ts --bundle --platform=node \
      --format=esm --target=node20 --outfile=/out/server.mjs \
 && cp -r packages/web/dist /out/public

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /out ./
ENV NODE_ENV=production FANOUT_HOST=0.0.0.0 FANOUT_PORT=8080 FANOUT_WEB_ROOT=/app/public
USER 1000:1000
EXPOSE 8080
CMD ["node", "/app/server.mjs"]

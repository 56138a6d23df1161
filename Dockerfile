# syntax=docker/dockerfile:1
# The one Tessera image. Every service runs from it; the command picks the service:
#   docker run tessera serve ingestion        (= node apps/cli/bin/tessera.js serve ingestion)
# Build:  docker build -t tessera:dev .
# Not built in the development sandbox (it has no Docker engine): the GitHub workflow's
# `image` job builds it on every push. See docs/deployment.md.
#
# Stages:
#   manifests  the package.json files only, so the dependency layers are rebuilt only when they change
#   build      npm ci (with dev dependencies) + npm run build (tsc -b)
#   prod-deps  npm ci --omit=dev
#   runtime    node:20-slim, production node_modules + compiled output, non-root user 10001

ARG NODE_IMAGE=node:20-slim

# ---------------------------------------------------------------- manifests
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
# Keep package.json (root and every workspace) and the lockfile, in their folders.
RUN mkdir -p /out \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /out/ \; \
 && cp package-lock.json /out/

# ---------------------------------------------------------------- build
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY --from=manifests /out/ ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# Export what the runtime needs: manifests, compiled output and runtime assets (proto
# files, JSON schemas, non-TS files next to the sources), without node_modules or tests.
RUN mkdir -p /out \
 && tar --exclude=node_modules --exclude='*.tsbuildinfo' -cf - \
      package.json package-lock.json apps libs services $(ls -d proto schemas 2>/dev/null) \
    | tar -xf - -C /out \
 && find /out \( -name '*.spec.ts' -o -name '*.spec.js' -o -name '*.spec.js.map' \
      -o -name '*.spec.d.ts' -o -name '*.spec.d.ts.map' \) -delete

# ---------------------------------------------------------------- prod-deps
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV CI=true NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY --from=manifests /out/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---------------------------------------------------------------- runtime
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="tessera" \
      org.opencontainers.image.description="Tessera: federated, privacy-preserving retail analytics (all eight services)" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# A fixed numeric uid/gid so Kubernetes' runAsNonRoot can verify it (the chart uses 10001).
RUN groupadd --system --gid 10001 tessera \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin tessera
# Files stay owned by root and read-only to the service user; only /tmp is writable.
COPY --from=prod-deps /app/ ./
COPY --from=build /out/ ./
USER 10001:10001
# HTTP (health, /metrics, gateway REST API) and gRPC ports; see docs/deployment.md.
EXPOSE 8080 8081 8082 8083 8084 8085 8086 8087 50051 50052 50053 50054 50055 50056 50057
ENTRYPOINT ["node", "apps/cli/bin/tessera.js"]
CMD ["serve", "gateway"]

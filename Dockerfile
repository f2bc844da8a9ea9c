# One image for every function: FUNCTION_TARGET names the one a container serves (its Knative
# Service sets it). The build steps live in scripts/build-image-steps.sh, which CI runs too.
# Node.js 24 LTS ("Krypton", supported until 2028-04), pinned to a release; bump with the lockfile.
ARG NODE_IMAGE=node:24.21.0-trixie-slim

# checkov:skip=CKV_DOCKER_7: the tag is NODE_IMAGE's above, a pinned release; checkov does not expand ARGs
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# npm ci's postinstall applies patches/ (patch-package) to node_modules before anything is bundled.
COPY patches/ patches/
# Dev dependencies too: esbuild, tsx and patch-package run the build. None of them reaches the runtime stage.
RUN npm ci --no-audit --no-fund
COPY . .
RUN scripts/build-image-steps.sh /out

FROM ${NODE_IMAGE}
# The compile cache the build wrote (scripts/bundle/compile-cache.ts): a cold start reads V8's
# compiled code instead of compiling the bundle. Portable: it was written under /out, read here.
# Read-only to the process, like the code: a function cannot rewrite what another one loads.
ENV NODE_ENV=production \
    PORT=8080 \
    NODE_COMPILE_CACHE=/app/compile-cache \
    NODE_COMPILE_CACHE_PORTABLE=1
WORKDIR /app
# Owned by root and read-only to the process: a compromised function cannot rewrite its own code.
COPY --from=build /out/ ./
# The node user (uid 1000) of the official image; numeric, so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
# checkov:skip=CKV_DOCKER_2: no HEALTHCHECK, Knative probes /healthz itself (Kubernetes ignores HEALTHCHECK)
# `exec` replaces the shell, so node is PID 1 and
# gets Knative's SIGTERM (the bundle handles it). The migration Job runs `node dist/migrate.js`.
CMD ["/bin/sh", "-c", "exec node \"dist/${FUNCTION_TARGET:?FUNCTION_TARGET names the function to serve, e.g. create-task}/index.js\""]

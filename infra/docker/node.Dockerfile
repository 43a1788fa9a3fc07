# One image for the Node services (signal-worker, notifier, console, demo-feed) and the ops CLIs (the
# ensure-topics init step among them); compose and the Kubernetes manifests pick the command.
# Build context is the repo root: docker build -f infra/docker/node.Dockerfile .
# The repo has no .npmrc: pnpm uses its default registry, or the one the build machine configures.
FROM node:20
WORKDIR /app
# The pnpm version comes from package.json's "packageManager" field. corepack keeps it under COREPACK_HOME,
# installed at build time, so a container never downloads it (nor asks to) when it starts.
ENV COREPACK_HOME=/opt/corepack COREPACK_ENABLE_DOWNLOAD_PROMPT=0
RUN corepack enable
# `pnpm fetch` needs only the lockfile, so this layer stays cached while sources change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
RUN corepack install && pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile && chown -R node:node /opt/corepack
# Not root: the Kubernetes manifests run the pods with runAsNonRoot (uid 1000 is the image's `node`).
USER node
# Services run their TypeScript through tsx (each service's "start" script).
CMD ["pnpm", "--filter", "@churnwatch/signal-worker", "start"]

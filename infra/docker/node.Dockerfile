# One image for the Node services (signal-worker, notifier, console, demo-feed) and the ops CLIs (the
# ensure-topics init step among them); compose and the Kubernetes manifests pick the command.
# Build context is the repo root: docker build -f infra/docker/node.Dockerfile .
# The repo has no .npmrc: pnpm uses its default registry, or the one the build machine configures.
FROM node:20
WORKDIR /app
# `pnpm fetch` needs only the lockfile, so this layer stays cached while sources change. The pnpm version is
# package.json's "packageManager", installed the way infra/bin/setup.sh does (npm, not corepack, whose
# bundled signing keys lag behind new pnpm releases), so a container never downloads it when it starts.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
RUN npm install -g "pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")" && pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
# Not root: the Kubernetes manifests run the pods with runAsNonRoot (uid 1000 is the image's `node`).
USER node
# Services run their TypeScript through tsx (each service's "start" script).
CMD ["pnpm", "--filter", "@churnwatch/signal-worker", "start"]

# One image for the Node services (signal-worker, notifier, demo-feed); compose picks the command.
# Build context is the repo root: docker build -f infra/docker/node.Dockerfile .
FROM node:20
WORKDIR /app
# The pnpm version comes from package.json's "packageManager" field.
RUN corepack enable
# `pnpm fetch` needs only the lockfile, so this layer stays cached while sources change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
# Services run their TypeScript through tsx (each service's "start" script).
CMD ["pnpm", "--filter", "@churnwatch/signal-worker", "start"]

#!/bin/sh
# Installs what the workspace needs from a fresh clone: the pinned pnpm, then the locked dependencies.
# Kafka's jars are fetched later, on first use, by infra/dev/kafka.ts.
set -eu
cd "$(dirname "$0")/../.."
PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "installing pnpm $PNPM_VERSION (npm install -g)" >&2
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || {
    echo "could not install pnpm $PNPM_VERSION with npm; install it yourself and retry" >&2
    exit 1
  }
fi
pnpm install --frozen-lockfile --reporter=silent

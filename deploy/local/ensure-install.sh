#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if ! command -v node >/dev/null 2>&1; then
  echo "parchee: Node.js 20 or newer is required (nvm, or the NodeSource apt repository)." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "parchee: Node.js 20 or newer is required; this is $(node --version)." >&2
  exit 1
fi
if [ -L node_modules ]; then
  # A git worktree shares the main checkout's node_modules through a symlink, and a fresh checkout's
  # package-lock.json is always "newer": npm ci here would empty the shared directory through the link.
  exit 0
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "parchee: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

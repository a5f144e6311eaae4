#!/usr/bin/env bash
# Usage: bash scripts/pnpm.sh <pnpm arguments>      e.g.  bash scripts/pnpm.sh start
#
# On a machine with only Node 20.19+: installs the workspace from the lockfile and runs
# `pnpm <arguments>` with the pnpm version package.json pins ("packageManager").
# - A pnpm of that version already on the PATH is used as it is (nothing is reinstalled).
# - Otherwise npm installs it: globally if npm may write there, else under ~/.local
#   (no root needed; add ~/.local/bin to your PATH to call pnpm yourself afterwards).
# .ci/run uses this script too.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

want="$(node -p 'require("./package.json").packageManager.replace(/^pnpm@/, "")')"
has_pnpm() { [ "$(pnpm --version 2>/dev/null || true)" = "$want" ]; }

if ! has_pnpm; then
  # Where an earlier run of this script may have put it.
  export PATH="$HOME/.local/bin:$PATH"
fi
if ! has_pnpm; then
  echo "setup: installing pnpm@$want with npm" >&2
  if ! { npm install -g "pnpm@$want" </dev/null >/dev/null 2>&1 && hash -r && has_pnpm; }; then
    # No write access to npm's global prefix (or another pnpm comes first on the PATH).
    echo "setup: installing pnpm@$want under $HOME/.local instead" >&2
    npm install -g --prefix "$HOME/.local" "pnpm@$want" </dev/null >&2
    hash -r
  fi
  if ! has_pnpm; then
    echo "setup: could not make pnpm@$want available (found: $(pnpm --version 2>/dev/null || echo none))" >&2
    exit 1
  fi
fi

# Quietly up to date when nothing changed; exactly the lockfile's versions otherwise.
pnpm install --frozen-lockfile </dev/null >&2
exec pnpm "$@"

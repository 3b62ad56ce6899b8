#!/usr/bin/env bash
# The production install, as a server gets it: a clean copy of the project (the files git tracks, as they are in
# the working tree, plus new files not ignored), `npm ci --omit=dev` (no tsx, no TypeScript: `prepare` builds
# dist/ with esbuild, a dependency), then `paperboy --help` and a search on the sample profiles. Removes the copy.
# better-sqlite3 compiles from source here when no prebuilt binary can be fetched (no network but npm's registry):
# about 2 minutes on a quiet 2-core machine, 8 on a busy one. The install is given PAPERBOY_INSTALL_BUDGET seconds
# (default 900, so a slow machine does not fail CI) and prints how long it took.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
copy=$(mktemp -d "${TMPDIR:-/tmp}/paperboy-production-XXXXXX")
trap 'rm -rf "$copy"' EXIT
budget=${PAPERBOY_INSTALL_BUDGET:-900}

step() { printf 'production install: %s\n' "$*" >&2; }
fail() { printf 'production install FAILED: %s\n' "$*" >&2; exit 1; }

step "copying the project to $copy"
git ls-files -z --cached --others --exclude-standard |
  grep -zv '^node_modules$' |
  xargs -0 -I{} sh -c 'test -e "$1" && printf "%s\0" "$1" || true' _ {} |
  tar --null -T - -cf - | tar -xf - -C "$copy"

cd "$copy"
step "npm ci --omit=dev --prefer-offline (at most ${budget}s)"
started=$SECONDS
timeout "$budget" npm ci --omit=dev --prefer-offline --no-audit --no-fund >npm-ci.log 2>&1 ||
  { cat npm-ci.log >&2; fail "npm ci --omit=dev did not finish within ${budget}s or failed (log above)"; }
step "npm ci --omit=dev took $((SECONDS - started))s"
test -f dist/cli.js || fail "npm ci did not build dist/cli.js (the prepare script runs npm run build)"
test ! -e node_modules/tsx || fail "tsx is installed: --omit=dev should leave dev dependencies out"

step "npx paperboy --help"
help=$(npx --no-install paperboy --help) || fail "paperboy --help exited $?"
grep -q 'Usage: paperboy' <<<"$help" || fail "paperboy --help printed no usage: $help"

step "npx paperboy ingest data/profiles, then search"
export PAPERBOY_DB="$copy/production-check.db"
npx --no-install paperboy ingest data/profiles >/dev/null || fail "paperboy ingest data/profiles exited $?"
found=$(npx --no-install paperboy search sycophancy --json) || fail "paperboy search exited $?"
node -e '
  const answer = JSON.parse(process.argv[1]);
  if (!(answer.total >= 1)) throw new Error(`search sycophancy found nothing: ${process.argv[1]}`);
  console.error(`production install: search sycophancy found ${answer.total} (first: ${answer.results[0].title})`);
' "$found" || fail "the search answer is wrong"

cd "$root"
step "ok"

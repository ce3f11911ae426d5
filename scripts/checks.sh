#!/usr/bin/env bash
# npm test's static checks: the two typechecks, eslint (type-aware) and prettier, side by side on the machine's
# cores (each is single-threaded), each one's output printed whole and in this order; fails when any fails.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

names=(typecheck eslint prettier)
commands=(
  "npx tsc -p tsconfig.json --noEmit && npx tsc -p tsconfig.tab.json --noEmit"
  "npx eslint ."
  "npx prettier --check ."
)
pids=()
for i in "${!names[@]}"; do
  bash -c "${commands[$i]}" >"$out/$i.log" 2>&1 &
  pids+=("$!")
done

failed=0
for i in "${!names[@]}"; do
  if wait "${pids[$i]}"; then
    echo "${names[$i]}: ok"
  else
    failed=1
    echo "${names[$i]}: failed"
    cat "$out/$i.log"
  fi
done
exit "$failed"

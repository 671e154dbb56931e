#!/usr/bin/env bash
# Checks the checkable Architecture Invariants of ARCHITECTURE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
forbid() { # crate, dependency, why
  # `cargo tree -i` prints the paths from the crate to the dependency over normal edges; an
  # empty output (or an error: the dependency is nowhere in the graph) means there is none.
  if [ -n "$(cargo tree -q -e normal -p "$1" -i "$2" 2>/dev/null)" ]; then
    echo "Architecture Invariant broken: $1 depends on $2 ($3)"; fail=1
  fi
}
# The check itself must be able to see a dependency that exists.
if [ -z "$(cargo tree -q -e normal -p achyk-store -i achyk-ocds 2>/dev/null)" ]; then
  echo "architecture.sh is broken: it does not see that achyk-store depends on achyk-ocds"; fail=1
fi
forbid achyk-ocds sqlx "the OCDS core does no SQL"
forbid achyk-ocds tokio "the OCDS core is synchronous"
forbid achyk-ocds achyk-store "lower crates never import higher ones"
forbid achyk-store achyk-cli "lower crates never import higher ones"
forbid achyk-store achyk-kg "the store knows the normaliser only by its trait"
forbid achyk-ocds achyk-kg "lower crates never import higher ones"
forbid achyk-store achyk-web "lower crates never import higher ones"
forbid achyk-kg achyk-web "lower crates never import higher ones"
forbid achyk-flags sqlx "flags are pure: the store persists what they compute"
for dep in sqlx tokio axum achyk-store achyk-kg achyk-flags achyk-web achyk-cli; do
  forbid achyk-civic "$dep" "civic actions are a pure library: pages and storage use it, not the reverse"
done
[ "$fail" = 0 ] && echo "architecture invariants hold"
exit "$fail"

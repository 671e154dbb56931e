#!/usr/bin/env bash
# Checks the checkable Architecture Invariants of ARCHITECTURE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
forbid() { # crate, dependency, why
  if cargo tree -q -e normal -p "$1" -i "$2" >/dev/null 2>&1; then
    echo "Architecture Invariant broken: $1 depends on $2 ($3)"; fail=1
  fi
}
forbid achyk-ocds sqlx "the OCDS core does no SQL"
forbid achyk-ocds tokio "the OCDS core is synchronous"
forbid achyk-ocds achyk-store "lower crates never import higher ones"
forbid achyk-store achyk-cli "lower crates never import higher ones"
forbid achyk-store achyk-kg "the store knows the normaliser only by its trait"
forbid achyk-ocds achyk-kg "lower crates never import higher ones"
forbid achyk-flags sqlx "flags are pure: the store persists what they compute"
[ "$fail" = 0 ] && echo "architecture invariants hold"
exit "$fail"

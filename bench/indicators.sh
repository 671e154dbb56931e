#!/usr/bin/env bash
# Benchmark: `achyk indicators` against OCP's Cardinal (`ocdscardinal indicators`), on the same
# compiled releases and settings; prints both wall times and whether the results agree.
#
# usage: bench/indicators.sh [RELEASES] [PROCESSES]
#   CARDINAL=/path/to/ocdscardinal  an existing Cardinal binary (required unless
#   CARDINAL_INSTALL=1, which runs `cargo install ocdscardinal` from crates.io into a temporary
#   folder outside the repository; no copy of Cardinal is kept here).
# Results are compared without "Meta" and, where they differ, the differences are listed: expect
# them only where docs/indicators/index.md says (dates across offsets, the currency choice).
set -euo pipefail
cd "$(dirname "$0")/.."
RELEASES=${1:-400000}
PROCESSES=${2:-100000}
OUT=bench/out
mkdir -p "$OUT"

if [ -z "${CARDINAL:-}" ]; then
  if [ "${CARDINAL_INSTALL:-0}" = 1 ]; then
    ROOT=$(mktemp -d)
    cargo install --quiet --root "$ROOT" ocdscardinal
    CARDINAL="$ROOT/bin/ocdscardinal"
  else
    echo "set CARDINAL=/path/to/ocdscardinal or CARDINAL_INSTALL=1" >&2
    exit 2
  fi
fi

cargo build --release -p achyk-cli --quiet
ACHYK=${CARGO_TARGET_DIR:-target}/release/achyk

RAW="$OUT/releases-$RELEASES-$PROCESSES.jsonl"
INPUT="$OUT/compiled-$RELEASES-$PROCESSES.jsonl"
[ -s "$RAW" ] || python3 bench/gen_releases.py "$RELEASES" "$PROCESSES" 1 > "$RAW"
[ -s "$INPUT" ] || "$ACHYK" compile "$RAW" > "$INPUT"

SETTINGS="$OUT/indicators.ini"
cat > "$SETTINGS" <<'INI'
currency = KGS
[R003]
[R018]
[R024]
[R025]
[R028]
[R030]
[R035]
[R036]
[R038]
[R048]
minimum_contracting_processes = 1
[R058]
INI

time_it() { # name, command...
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  "$@" > "$OUT/indicators-$name.json"
  end=$(date +%s.%N)
  echo "$name: $(echo "$end - $start" | bc) s"
}
time_it achyk "$ACHYK" indicators --no-meta --settings "$SETTINGS" "$INPUT"
time_it cardinal "$CARDINAL" indicators --no-meta --settings "$SETTINGS" "$INPUT"

python3 - "$OUT/indicators-achyk.json" "$OUT/indicators-cardinal.json" <<'PY'
import json, sys
ours, theirs = (json.load(open(path)) for path in sys.argv[1:3])
flat = lambda result: {(group, key, code): value for group, ids in result.items() for key, codes in ids.items() for code, value in codes.items()}
a, b = flat(ours), flat(theirs)
differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
print(f"results: achyk {len(a)}, cardinal {len(b)}, differing {len(differ)}")
for key in differ[:20]:
    print("  ", key, "achyk", a.get(key), "cardinal", b.get(key))
PY

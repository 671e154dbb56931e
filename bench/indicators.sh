#!/usr/bin/env bash
# Benchmark: `achyk indicators` against OCP's Cardinal (`ocdscardinal indicators`), side by side
# on the same normalised Kyrgyz compiled releases and the same settings (Cardinal's eleven
# indicators); prints wall time, peak memory and throughput of each, their ratio, and whether
# the results agree. Then times `achyk flags` (every indicator, stored) over the same database.
#
# usage: CARDINAL=/path/to/ocdscardinal bench/indicators.sh [PROCESSES]
#   PROCESSES   how many processes to generate (default 200000)
#   CARDINAL    a Cardinal binary built outside this repository. Its source is public
#               (github.com/open-contracting/cardinal-rs); it builds with a nightly toolchain
#               and `--no-default-features`. Without it, only Achyk's figures are printed.
#   THREADS     RAYON_NUM_THREADS for both (default: all cores)
# Results are compared without "Meta"; where they differ the differences are listed. Expect
# them only where docs/indicators/index.md says (dates across offsets, the currency choice,
# lots).
set -euo pipefail
cd "$(dirname "$0")/.."
PROCESSES=${1:-200000}
OUT=bench/out/indicators-$PROCESSES
mkdir -p "$OUT"
[ -n "${THREADS:-}" ] && export RAYON_NUM_THREADS=$THREADS

cargo build --release -p achyk-cli --quiet
ACHYK=${CARGO_TARGET_DIR:-target}/release/achyk

INPUT="$OUT/normalised.jsonl"
DB="sqlite://$OUT/bench.db"
if [ ! -s "$INPUT" ]; then
  rm -rf "$OUT/feed" "$OUT/bench.db"*
  "$ACHYK" generate --processes "$PROCESSES" --seed 1 --out "$OUT/feed" > /dev/null
  "$ACHYK" import --db "$DB" "$OUT"/feed/page-*.json 2> "$OUT/import.log"
  "$ACHYK" export --db "$DB" --normalised > "$INPUT.tmp"
  mv "$INPUT.tmp" "$INPUT"
fi
echo "input: $(wc -l < "$INPUT") normalised compiled releases, $(du -h "$INPUT" | cut -f1)"

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
[R058]
INI

# name, command...: runs it with GNU time; prints seconds, peak MB and processes per second.
declare -A SECONDS_OF
time_it() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/time-$name" "$@" > "$OUT/result-$name.json"
  read -r wall kb < "$OUT/time-$name"
  SECONDS_OF[$name]=$wall
  local rate
  rate=$(python3 -c "print(f'{$PROCESSES / max($wall, 0.001):,.0f}')")
  printf '%-9s %7.2f s  %6d MB  %10s processes/s\n' "$name" "$wall" $((kb / 1024)) "$rate"
}
time_it achyk "$ACHYK" indicators --no-meta --settings "$SETTINGS" "$INPUT"
if [ -n "${CARDINAL:-}" ]; then
  time_it cardinal "$CARDINAL" indicators --no-meta --settings "$SETTINGS" "$INPUT"
  python3 -c "print(f'achyk is {${SECONDS_OF[cardinal]} / max(${SECONDS_OF[achyk]}, 0.001):.2f}x Cardinal')"
  python3 - "$OUT/result-achyk.json" "$OUT/result-cardinal.json" <<'PY'
import json, sys
ours, theirs = (json.load(open(path)) for path in sys.argv[1:3])
flat = lambda result: {(group, key, code): value for group, ids in result.items() for key, codes in ids.items() for code, value in codes.items()}
a, b = flat(ours), flat(theirs)
differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
print(f"results: achyk {len(a)}, cardinal {len(b)}, differing {len(differ)}")
by_code = {}
for key in differ:
    by_code.setdefault(key[2], []).append(key)
for code, keys in sorted(by_code.items()):
    print(f"  {code}: {len(keys)} differ, e.g.", *[f"{k[0]} {k[1]}: achyk {a.get(k)} cardinal {b.get(k)}" for k in keys[:2]], sep="\n    ")
PY
else
  echo "cardinal: not run (set CARDINAL=/path/to/ocdscardinal)"
fi

echo "achyk flags (every indicator, stored in the database):"
/usr/bin/time -f "%e s, %M KB peak" "$ACHYK" flags --db "$DB" 2>&1 | tail -2

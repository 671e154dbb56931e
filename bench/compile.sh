#!/usr/bin/env bash
# Benchmark: `achyk compile` against OCP's reference `ocdskit compile`, on the same input.
#
#   bench/compile.sh [RELEASES] [PROCESSES]      (default 400000 releases over 100000 ocids)
#
# Installs ocdskit from PyPI if missing, builds achyk in release mode, generates the input,
# times both (wall clock and peak memory, with GNU time), checks that both outputs agree, and
# prints the throughput ratio. ocdskit gets `--schema` pointing at a local patched schema so
# that it does not go to the network.
set -euo pipefail
cd "$(dirname "$0")/.."
RELEASES=${1:-400000}
PROCESSES=${2:-100000}
OUT=${BENCH_OUT:-bench/out}
mkdir -p "$OUT"

command -v ocdskit >/dev/null || pip install --quiet ocdskit
command -v /usr/bin/time >/dev/null || apt-get install -y time >/dev/null
cargo build --release -p achyk-cli --quiet
ACHYK=target/release/achyk

INPUT="$OUT/releases-$RELEASES-$PROCESSES.jsonl"
[ -s "$INPUT" ] || python3 bench/gen_releases.py "$RELEASES" "$PROCESSES" 1 > "$INPUT"
python3 crates/achyk-ocds/tests/reference/patched_rules.py \
  crates/achyk-ocds/schema/1.1.5/release-schema.json "$OUT/patched-schema.json" \
  crates/achyk-ocds/schema/extensions/{lots,bid,enquiry}/release-schema.json > /dev/null

measure() { # name, command...
  local name=$1; shift
  # Both tools are timed on an input in the page cache: some machines (this one's VM) give
  # back the cache of a file left alone for a minute, and reading it from disk again would
  # time the disk (achyk also reads each release a second time, at random).
  cat "$INPUT" > /dev/null
  /usr/bin/time -f "%e %M" -o "$OUT/$name.time" "$@"
  read -r seconds kilobytes < "$OUT/$name.time"
  echo "$name: ${seconds}s, peak ${kilobytes} KB, $(python3 -c "print(round($RELEASES/$seconds))") releases/s"
}

echo "input: $RELEASES releases over $PROCESSES ocids ($(du -h "$INPUT" | cut -f1))"
measure achyk bash -c "$ACHYK compile '$INPUT' > '$OUT/achyk.jsonl'"
measure achyk-spill bash -c "ACHYK_COMPILE_MEMORY_MB=4 $ACHYK compile '$INPUT' > '$OUT/achyk-spill.jsonl'"
measure ocdskit bash -c "ocdskit compile --schema '$OUT/patched-schema.json' < '$INPUT' > '$OUT/ocdskit.jsonl'"

python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
def load(name):
    with open(f"{out}/{name}.jsonl") as f:
        return [json.loads(line, object_pairs_hook=list) for line in f]
reference = load("ocdskit")
for name in ("achyk", "achyk-spill"):
    ours = load(name)
    assert ours == reference, f"{name} output differs from ocdskit's"
print(f"outputs agree: {len(reference)} compiled releases")
t = {name: float(open(f"{out}/{name}.time").read().split()[0]) for name in ("achyk", "achyk-spill", "ocdskit")}
print(f"throughput ratio achyk/ocdskit: {t['ocdskit'] / t['achyk']:.1f}x (in memory), {t['ocdskit'] / t['achyk-spill']:.1f}x (spilling)")
PY

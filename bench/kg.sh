#!/usr/bin/env bash
# The Kyrgyz data path end to end on a generated feed: `achyk generate`, then `achyk import`
# (which normalises every process) into SQLite and, when ACHYK_TEST_POSTGRES_URL (or a
# postgres:// DATABASE_URL) is set, PostgreSQL; then `achyk sync` from a local replay of the
# API (bench/replay_server.py) into SQLite. Wall time, releases per second and peak memory
# (GNU time) for each, in one run.
#
#   bench/kg.sh [PROCESSES]        (default 200000)
#
# Writes under bench/out/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
PROCESSES="${1:-200000}"
OUT=bench/out
FEED="$OUT/kg-$PROCESSES"
mkdir -p "$OUT"

cargo build --release -q -p achyk-cli
ACHYK="${CARGO_TARGET_DIR:-target}/release/achyk"
TIME=/usr/bin/time

if [ ! -s "$FEED/summary.json" ]; then
  rm -rf "$FEED"
  echo "== generate $PROCESSES processes"
  $TIME -f "   %e s wall, %M KiB max RSS" "$ACHYK" generate --processes "$PROCESSES" --seed 1 --out "$FEED" 2>&1 | tail -2
fi
RELEASES=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['releases'])" "$FEED/summary.json")
echo "feed: $FEED ($(du -sh "$FEED" | cut -f1), $RELEASES releases)"

timed() { # label, command...
  local label="$1"; shift
  local start end
  start=$(date +%s.%N)
  $TIME -f "%M" -o "$OUT/kg-$label.rss" "$@" > "$OUT/kg-$label.log" 2>&1
  end=$(date +%s.%N)
  python3 - "$label" "$start" "$end" "$RELEASES" "$(cat "$OUT/kg-$label.rss")" <<'PY'
import sys
label, start, end, releases, rss = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
wall = end - start
print(f"{label:<22} {wall:7.1f} s  {releases / wall:8.0f} releases/s  {rss / 1024:6.0f} MiB peak")
PY
  tail -1 "$OUT/kg-$label.log" | cut -c1-300
}

echo
echo "== import + normalise"
rm -f "$OUT/kg.db" "$OUT/kg.db-wal" "$OUT/kg.db-shm"
timed import-sqlite "$ACHYK" import --db "sqlite://$OUT/kg.db" "$FEED"/page-*.json

PG_URL="${ACHYK_TEST_POSTGRES_URL:-${DATABASE_URL:-}}"
case "$PG_URL" in
  postgres*)
    BASE="${PG_URL%/*}"
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS achyk_kg_bench WITH (FORCE)" -c "CREATE DATABASE achyk_kg_bench" >/dev/null
    timed import-postgres "$ACHYK" import --db "$BASE/achyk_kg_bench" "$FEED"/page-*.json
    ;;
  *) echo "(no PostgreSQL URL: set ACHYK_TEST_POSTGRES_URL to measure PostgreSQL too)" ;;
esac

echo
echo "== sync from a local replay of the API (pages of 500, no rate limit)"
PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
python3 bench/replay_server.py "$FEED" "$PORT" 2> "$OUT/kg-replay.log" &
REPLAY=$!
trap 'kill $REPLAY 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q replaying "$OUT/kg-replay.log" 2>/dev/null && break; kill -0 $REPLAY 2>/dev/null || { cat "$OUT/kg-replay.log"; exit 1; }; sleep 0.2; done
rm -f "$OUT/kg-sync.db" "$OUT/kg-sync.db-wal" "$OUT/kg-sync.db-shm"
timed sync-sqlite "$ACHYK" sync --db "sqlite://$OUT/kg-sync.db" --base-url "http://127.0.0.1:$PORT" \
  --since 2015-01-01T00:00:00+06:00 --page-size 500 --rate-limit-ms 0
echo "stored: $("$ACHYK" export --db "sqlite://$OUT/kg-sync.db" --releases | wc -l) releases (served: $RELEASES)"

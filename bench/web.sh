#!/usr/bin/env bash
# The portal under load, side by side with nginx: `achyk serve` on a generated database (SQLite
# by default, PostgreSQL with --postgres), measured with wrk at 32 connections for
#   1. process pages, random ocids;
#   2. searches, the issue's mix: half single-word queries, a third a word plus two facet
#      filters, the rest facet-only browsing, every response with its facet counts (run twice:
#      cold, then with the word-match cache warm);
#   3. nginx serving the same process pages saved as static files (the peer).
# Prints requests per second and p50/p95/p99 latency for each, and the process-page ratio.
#
#   bench/web.sh [PROCESSES] [--postgres]      (default 200000; the issue asks 1,000,000)
#
# Installs wrk and nginx from Debian when missing. Writes under bench/out/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
PROCESSES="${1:-200000}"
BACKEND="${2:-sqlite}"
OUT=bench/out
FEED="$OUT/kg-$PROCESSES"
SECONDS_EACH="${BENCH_SECONDS:-20}"
mkdir -p "$OUT"

for tool in wrk nginx; do
  command -v "$tool" >/dev/null || command -v "/usr/sbin/$tool" >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk nginx-light >/dev/null; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release -q -p achyk-cli
ACHYK="${CARGO_TARGET_DIR:-target}/release/achyk"

if [ ! -s "$FEED/summary.json" ]; then
  rm -rf "$FEED"
  echo "== generate $PROCESSES processes"
  "$ACHYK" generate --processes "$PROCESSES" --seed 1 --out "$FEED" 2>&1 | tail -1
fi

case "$BACKEND" in
  --postgres)
    PG_URL="${ACHYK_TEST_POSTGRES_URL:-${DATABASE_URL:-}}"
    [ -n "$PG_URL" ] || { echo "set ACHYK_TEST_POSTGRES_URL for --postgres"; exit 2; }
    DB="${PG_URL%/*}/achyk_web_bench_$PROCESSES"
    if ! psql "$DB" -qtc "SELECT 1 FROM process_summaries LIMIT 1" >/dev/null 2>&1; then
      psql "$PG_URL" -qc "DROP DATABASE IF EXISTS achyk_web_bench_$PROCESSES WITH (FORCE)" \
        -c "CREATE DATABASE achyk_web_bench_$PROCESSES" >/dev/null
      echo "== import into PostgreSQL"
      "$ACHYK" import --db "$DB" "$FEED"/page-*.json 2>&1 | tail -1 | cut -c1-200
    fi
    ;;
  *)
    DB="sqlite://$OUT/web-$PROCESSES.db"
    if [ ! -s "$OUT/web-$PROCESSES.db" ]; then
      echo "== import into SQLite"
      "$ACHYK" import --db "$DB" "$FEED"/page-*.json 2>&1 | tail -1 | cut -c1-200
    fi
    ;;
esac

PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
"$ACHYK" serve --db "$DB" --listen "127.0.0.1:$PORT" > "$OUT/web-serve.log" 2>&1 &
SERVER=$!
NGINX_DIR=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null; [ -f "$NGINX_DIR/nginx.pid" ] && kill "$(cat "$NGINX_DIR/nginx.pid")" 2>/dev/null; rm -rf "$NGINX_DIR"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
# The server loads its search index as it starts; the first search waits for it (timed apart:
# it happens once per start, before anything is measured).
start=$(date +%s%N)
curl -fs "http://127.0.0.1:$PORT/en/tenders" >/dev/null
echo "search index loaded $(( ($(date +%s%N) - start) / 1000000 )) ms after the server answered;" \
  "server memory $(ps -o rss= -p $SERVER | awk '{printf "%.0f MB", $1 / 1024}')"

# 200 ocids spread over the database, and the search mix built from the generated data.
python3 - "$FEED" "$OUT" <<'PY'
import glob, json, random, sys
feed, out = sys.argv[1], sys.argv[2]
random.seed(1)
pages = sorted(glob.glob(f"{feed}/page-*.json"))
ocids, words = [], []
for page in random.sample(pages, min(40, len(pages))):
    for release in json.load(open(page))["releases"]:
        ocids.append(release["ocid"])
        title = (release.get("tender") or {}).get("title") or ""
        words += [w.strip(".,«»\"()").lower() for w in title.split() if len(w) > 4]
ocids = sorted(set(ocids))
random.shuffle(ocids)
ocids = ocids[:200]
words = [w for w in words if w.isalpha()] or ["ремонт"]
regions = ["KG-GB", "KG-GO", "KG-C", "KG-O", "KG-J", "KG-B", "KG-N", "KG-T", "KG-Y"]
methods = ["open", "direct", "limited", "selective"]
statuses = ["active", "complete", "cancelled", "unsuccessful"]
categories = ["goods", "works", "services"]
years = ["2021", "2022", "2023", "2024"]
from urllib.parse import quote
mix = []
for n in range(600):
    kind = n % 6
    if kind < 3:    # half: one word
        mix.append(f"/en/tenders?q={quote(random.choice(words))}")
    elif kind < 5:  # a third: a word and two facet filters
        a, b = random.sample([("region", regions), ("method", methods), ("status", statuses),
                              ("category", categories), ("year", years)], 2)
        mix.append(f"/en/tenders?q={quote(random.choice(words))}&{a[0]}={random.choice(a[1])}&{b[0]}={random.choice(b[1])}")
    else:           # the rest: facets only
        a = random.choice([("region", regions), ("method", methods), ("category", categories), ("year", years)])
        mix.append(f"/en/tenders?{a[0]}={random.choice(a[1])}&page={random.randint(1, 5)}")
open(f"{out}/web-ocids.txt", "w").write("\n".join(ocids) + "\n")
open(f"{out}/web-process-paths.txt", "w").write("\n".join(f"/en/tenders/{o}" for o in ocids) + "\n")
open(f"{out}/web-search-paths.txt", "w").write("\n".join(mix) + "\n")
PY

cat > "$OUT/web-paths.lua" <<'LUA'
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() + math.random(1000))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f req/s p50 %.1f ms p95 %.1f ms p99 %.1f ms errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

load() { # label, base URL, paths file
  curl -fs "$2${4:-/}" >/dev/null || true  # the first request loads the search index
  printf '%-34s ' "$1"
  wrk -t2 -c32 -d"${SECONDS_EACH}s" --timeout 10s -s "$OUT/web-paths.lua" "$2" -- "$3" | grep RESULT | cut -d' ' -f2- \
    | tee "$OUT/web-last.txt"
}

# The same process pages, saved as static files for nginx.
chmod 755 "$NGINX_DIR"   # nginx's workers run as www-data
mkdir -p "$NGINX_DIR/root/en/tenders"
while read -r ocid; do
  curl -fs "http://127.0.0.1:$PORT/en/tenders/$ocid" -o "$NGINX_DIR/root/en/tenders/$ocid"
done < "$OUT/web-ocids.txt"
NGINX_PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
cat > "$NGINX_DIR/nginx.conf" <<CONF
worker_processes 2;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  client_body_temp_path $NGINX_DIR/tmp; proxy_temp_path $NGINX_DIR/tmp; fastcgi_temp_path $NGINX_DIR/tmp;
  uwsgi_temp_path $NGINX_DIR/tmp; scgi_temp_path $NGINX_DIR/tmp;
  server { listen 127.0.0.1:$NGINX_PORT; root $NGINX_DIR/root; }
}
CONF
mkdir -p "$NGINX_DIR/tmp"
"$NGINX" -c "$NGINX_DIR/nginx.conf"

echo "== $PROCESSES processes ($BACKEND), wrk 32 connections, ${SECONDS_EACH}s each"
load "process pages (achyk)" "http://127.0.0.1:$PORT" "$OUT/web-process-paths.txt"
cp "$OUT/web-last.txt" "$OUT/web-achyk-process.txt"
load "process pages (nginx, static)" "http://127.0.0.1:$NGINX_PORT" "$OUT/web-process-paths.txt"
cp "$OUT/web-last.txt" "$OUT/web-nginx-process.txt"
# Twice: the first pass meets each of the mix's 600 searches for the first time (cold word
# caches); the second is the steady state of a site whose visitors repeat searches.
load "search mix, first pass (achyk)" "http://127.0.0.1:$PORT" "$OUT/web-search-paths.txt"
load "search mix, again (achyk)" "http://127.0.0.1:$PORT" "$OUT/web-search-paths.txt"
echo "server memory after the searches: $(ps -o rss= -p $SERVER | awk '{printf "%.0f MB", $1 / 1024}')"
python3 - "$OUT/web-achyk-process.txt" "$OUT/web-nginx-process.txt" <<'PY'
import sys
achyk = float(open(sys.argv[1]).read().split()[0])
nginx = float(open(sys.argv[2]).read().split()[0])
print(f"process pages: achyk {achyk:.0f} req/s = {100 * achyk / nginx:.0f}% of nginx's {nginx:.0f} req/s")
PY

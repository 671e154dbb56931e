#!/usr/bin/env bash
# Import throughput: `achyk import` of a synthetic Kyrgyz-shaped input into a fresh SQLite
# database and, when ACHYK_TEST_POSTGRES_URL (or a postgres:// DATABASE_URL) is set, a fresh
# PostgreSQL database on that server; then a re-import (which must change nothing) and a check
# that `achyk export` equals `achyk compile` of the same input.
#
#   bench/import.sh [RELEASES]        (default 100000)
#
# Writes under bench/out/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
RELEASES="${1:-100000}"
OUT=bench/out
mkdir -p "$OUT"
INPUT="$OUT/import-$RELEASES.jsonl"

cargo build --release -q -p achyk-cli
ACHYK="${CARGO_TARGET_DIR:-target}/release/achyk"

if [ ! -s "$INPUT" ]; then
  python3 - "$RELEASES" > "$INPUT" <<'PY'
import json, random, sys
# JSON Lines of release packages of 1,000 releases each, like pages of the feed: about three
# releases per process, spread over the input, each a full snapshot with parties, lots,
# bids and an award once the process is far enough.
total = int(sys.argv[1]); random.seed(7)
extensions = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.4/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/master/extension.json",
]
processes = max(1, total // 3)
entities = [f"{random.randrange(10**13, 10**14):014d}" for _ in range(2000)]
suppliers = [f"{random.randrange(10**13, 10**14):014d}" for _ in range(8000)]
step = [0] * processes
def release(p, n):
    ocid = f"ocds-h7i0z4-{240000000 + p}"
    day = 1 + (p * 7 + n * 11) % 28
    date = f"2024-{1 + n % 12:02d}-{day:02d}T{(p + n) % 24:02d}:{p % 60:02d}:00+06:00"
    entity = entities[p % len(entities)]
    tenderers = [suppliers[(p * 3 + k) % len(suppliers)] for k in range(1 + p % 4)]
    parties = [{"id": f"KG-INN-{entity}", "name": f"Мекеме {entity[-4:]}", "identifier": {"scheme": "KG-INN", "id": entity, "legalName": f"Мекеме {entity[-4:]}"}, "address": {"region": "Чуйская область", "locality": "Бишкек"}, "roles": ["procuringEntity", "buyer"]}]
    parties += [{"id": f"KG-INN-{t}", "name": f"ОсОО Курулуш {t[-5:]}", "identifier": {"scheme": "KG-INN", "id": t}, "roles": ["tenderer"] + (["supplier"] if n >= 2 and i == 0 else [])} for i, t in enumerate(tenderers)]
    lots = [{"id": f"lot-{k}", "title": f"Лот {k}", "value": {"amount": 10000 * (k + 1) + p % 997, "currency": "KGS"}} for k in range(1 + p % 3)]
    tender = {"id": f"{240000000 + p}", "title": f"Сатып алуу {p}", "status": "active" if n < 2 else "complete",
              "procurementMethod": "open", "procurementMethodDetails": "Бир этаптуу",
              "mainProcurementCategory": ["goods", "works", "services"][p % 3],
              "procuringEntity": {"id": f"KG-INN-{entity}", "name": f"Мекеме {entity[-4:]}"},
              "tenderers": [{"id": f"KG-INN-{t}"} for t in tenderers] if n >= 1 else [],
              "lots": lots,
              "items": [{"id": f"item-{k}", "description": f"Товар {k}", "quantity": k + 1, "relatedLot": lots[k % len(lots)]["id"], "classification": {"scheme": "OKGZ", "id": f"{30000000 + k}"}} for k in range(2 + p % 3)],
              "tenderPeriod": {"startDate": "2024-01-01T09:00:00+06:00", "endDate": "2024-01-15T09:00:00+06:00"}}
    out = {"ocid": ocid, "id": f"{240000000 + p}-{n}", "date": date, "tag": ["tender"] if n < 2 else ["award"],
           "initiationType": "tender", "language": "ru", "parties": parties, "buyer": {"id": f"KG-INN-{entity}"}, "tender": tender}
    if n >= 1:
        out["bids"] = {"details": [{"id": f"bid-{i}", "status": "valid", "tenderers": [{"id": f"KG-INN-{t}"}], "relatedLots": [lot["id"] for lot in lots]} for i, t in enumerate(tenderers)]}
    if n >= 2:
        out["awards"] = [{"id": f"award-{p}", "status": "active", "date": date, "value": {"amount": 9000 + p % 5000, "currency": "KGS"}, "suppliers": [{"id": f"KG-INN-{tenderers[0]}"}]}]
    return out
written = 0; page = []
while written < total:
    p = random.randrange(processes)
    page.append(release(p, step[p])); step[p] += 1; written += 1
    if len(page) == 1000 or written == total:
        print(json.dumps({"uri": "https://example.org/api/tendering", "version": "1.1", "publishedDate": "2024-06-01T00:00:00+06:00", "publisher": {"name": "Synthetic"}, "extensions": extensions, "releases": page}, ensure_ascii=False))
        page = []
PY
fi
echo "input: $INPUT ($(du -h "$INPUT" | cut -f1), $RELEASES releases)"

run() { # label, url
  echo "== $1"
  /usr/bin/time -f "   %e s wall, %M KiB max RSS" "$ACHYK" import --db "$2" "$INPUT" 2>&1 | tail -2
  echo "-- re-import (must store nothing)"
  "$ACHYK" import --db "$2" "$INPUT" 2>&1 | tail -1
  "$ACHYK" export --db "$2" > "$OUT/export-$1.jsonl"
}

"$ACHYK" compile "$INPUT" > "$OUT/compile.jsonl" 2>/dev/null || true

rm -f "$OUT/bench.db" "$OUT/bench.db-wal" "$OUT/bench.db-shm"
run sqlite "sqlite://$OUT/bench.db"
cmp -s "$OUT/export-sqlite.jsonl" "$OUT/compile.jsonl" && echo "   export equals achyk compile" || echo "   export DIFFERS from achyk compile"

PG_URL="${ACHYK_TEST_POSTGRES_URL:-${DATABASE_URL:-}}"
case "$PG_URL" in
  postgres*)
    BASE="${PG_URL%/*}"
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS achyk_bench WITH (FORCE)" -c "CREATE DATABASE achyk_bench" >/dev/null
    run postgres "$BASE/achyk_bench"
    cmp -s "$OUT/export-postgres.jsonl" "$OUT/compile.jsonl" && echo "   export equals achyk compile" || echo "   export DIFFERS from achyk compile"
    ;;
  *) echo "(no PostgreSQL URL: set ACHYK_TEST_POSTGRES_URL to measure PostgreSQL too)" ;;
esac

#!/usr/bin/env python3
"""Precision and recall of the red flags against the generator's planted patterns.

    achyk demo --no-serve --dir DIR --processes 3000     # generates, imports, runs achyk flags
    python3 bench/flags_precision.py DIR

Reads DIR/achyk.db (the stored flags; a flag is on a process when it is raised on its ocid or
its facts name the ocid) and DIR/feed/planted.jsonl (what the generator planted, and the near
misses it put beside them), and prints one line per pattern and indicator.

Most indicators flag processes. Those that flag organisations (R013 and R051 a buyer, R040 and
R050 a supplier, group `tenderer`) are counted by organisation: planted.jsonl names the organisation
of each line (`organisation`), and a flag counts when raised on that organisation in that
group. Their lines say "buyers" or "tenderers" after the code.
"""
import json
import sqlite3
import sys

PAIRS = [
    ("single_bid", "R018"),
    ("identical_bid_prices", "R028"),
    ("late_winning_bid", "R030"),
    ("split_purchase", "R011"),
    ("repeat_direct_award", "R055"),
    ("all_but_winner_disqualified", "R035"),
    ("lowest_bid_disqualified", "R036"),
    ("unanswered_questions", "R039"),
    ("direct_just_under_threshold", "R049"),
    ("contract_differs_from_award", "R059"),
    ("late_signature", "R060"),
    ("hasty_decision", "R061"),
    ("slow_decision", "R062"),
    ("award_at_or_above_estimate", "R031"),
    ("cobidding_pair", "R053"),
    ("award_without_contract", "R063"),
    ("bid_price_disparity", "R022"),
    ("heavily_discounted_bid", "R058"),
    ("fixed_bid_ratio", "R023"),
    ("shared_address", "R044"),
    ("mostly_direct_buyer", "R013", "buyer"),
    ("dominant_supplier", "R040", "tenderer"),
    ("concentrated_buyer", "R051", "buyer"),
    ("market_leader", "R050", "tenderer"),
]

directory = sys.argv[1]
db = sqlite3.connect(f"{directory}/achyk.db")
flagged = {}
for group, ident, code, facts in db.execute("SELECT grp, id, code, facts FROM flag_results"):
    ocids = {ident} if group == "ocid" else set()
    ocids |= {fact.get("texts", {}).get("ocid") for fact in json.loads(facts)} - {None}
    flagged.setdefault(("ocid", code), set()).update(ocids)
    if group != "ocid":
        flagged.setdefault((group, code), set()).add(ident)
planted = {}
with open(f"{directory}/feed/planted.jsonl") as lines:
    for line in lines:
        row = json.loads(line)
        unit = row.get("organisation") or row["ocid"]
        planted.setdefault((row["pattern"], row["near_miss"]), set()).add(unit)
processes = db.execute("SELECT COUNT(*) FROM process_summaries").fetchone()[0]
print(f"{processes} processes")
print(f"{'pattern':<28} {'code':<14} {'planted':>7} {'flagged':>7} {'found':>5} {'recall':>6} {'precision':>9} {'near misses flagged':>20}")
for pattern, code, *group in PAIRS:
    group = group[0] if group else "ocid"
    positives = planted.get((pattern, False), set())
    near = planted.get((pattern, True), set())
    raised = flagged.get((group, code), set())
    if group != "ocid":
        code = f"{code} {group}s"
    found = len(positives & raised)
    recall = found / len(positives) if positives else float("nan")
    precision = found / len(raised) if raised else float("nan")
    print(f"{pattern:<28} {code:<14} {len(positives):>7} {len(raised):>7} {found:>5} {recall:>6.2f} {precision:>9.2f} {len(near & raised):>10} of {len(near)}")

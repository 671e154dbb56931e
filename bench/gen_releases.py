"""Write N OCDS releases over M processes as JSON Lines, deterministic for a seed.

usage: gen_releases.py RELEASES PROCESSES SEED > out.jsonl

The releases look like a Kyrgyz feed's (tender, award, contract stages; lots, bids, parties;
+06:00 dates), about 2 KB each, in a shuffled order so that merging has to sort and group.
"""

import json
import random
import sys


def main():
    total, processes, seed = (int(arg) for arg in sys.argv[1:4])
    rng = random.Random(seed)
    per_process = [1] * processes
    for _ in range(total - processes):
        per_process[rng.randrange(processes)] += 1
    order = [(p, i) for p in range(processes) for i in range(per_process[p])]
    rng.shuffle(order)
    out = sys.stdout
    for process, index in order:
        ocid = f"ocds-h7i0z4-bench-{process:08d}"
        day = 1 + index % 28
        month = 1 + (index // 28) % 12
        lots = [{"id": f"lot-{n}", "title": f"Лот {n}", "value": {"amount": rng.randrange(1000, 10**7), "currency": "KGS"}, "status": "active"} for n in range(1, 1 + rng.randrange(1, 4))]
        release = {
            "ocid": ocid,
            "id": f"{ocid}-{index}",
            "date": f"2024-{month:02d}-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+06:00",
            "tag": ["tender" if index == 0 else rng.choice(["tenderUpdate", "award", "contract"])],
            "initiationType": "tender",
            "language": "ru",
            "parties": [
                {"id": f"KG-INN-{rng.randrange(10**13, 10**14)}", "name": "Мэрия города Бишкек", "roles": ["buyer", "procuringEntity"],
                 "identifier": {"scheme": "KG-INN", "id": str(rng.randrange(10**13, 10**14))},
                 "address": {"region": "Бишкек", "locality": "Бишкек", "streetAddress": "ул. Абдымомунова 205"}},
                {"id": f"KG-INN-{rng.randrange(10**13, 10**14)}", "name": "ОсОО Курулуш", "roles": ["tenderer", "supplier"]},
            ],
            "tender": {
                "id": f"{process}",
                "title": f"Ремонт дороги {process} / Жолду оңдоо",
                "status": rng.choice(["active", "complete", "cancelled"]),
                "procurementMethod": rng.choice(["open", "limited", "direct"]),
                "procurementMethodDetails": "Простой метод",
                "mainProcurementCategory": rng.choice(["goods", "works", "services"]),
                "value": {"amount": rng.randrange(10**4, 10**8), "currency": "KGS"},
                "tenderPeriod": {"startDate": "2024-01-01T09:00:00+06:00", "endDate": "2024-01-20T09:00:00+06:00"},
                "lots": lots,
                "items": [{"id": f"item-{n}", "description": "Асфальт", "quantity": rng.randrange(1, 500), "unit": {"name": "т"},
                           "classification": {"scheme": "OKGZ", "id": "44113620"}, "relatedLot": lots[n % len(lots)]["id"]} for n in range(rng.randrange(1, 5))],
            },
            "bids": {"details": [{"id": f"bid-{n}", "status": "valid", "date": "2024-01-19T10:00:00+06:00",
                                  "tenderers": [{"id": f"KG-INN-{rng.randrange(10**13, 10**14)}"}]} for n in range(rng.randrange(0, 4))]},
            "awards": [{"id": f"award-{n}", "status": rng.choice(["pending", "active"]), "relatedLots": [lots[0]["id"]],
                        "value": {"amount": rng.randrange(1000, 10**7), "currency": "KGS"}} for n in range(rng.randrange(0, 3))],
        }
        out.write(json.dumps(release, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()

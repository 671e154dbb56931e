//! The output does not depend on the input order or the thread count.

use achyk_flags::{Indicators, Process, Results, Settings};
use proptest::prelude::*;
use serde_json::{Value, json};

fn release(index: usize, choices: &[u8]) -> Value {
    let pick = |slot: usize| choices[(index * 7 + slot) % choices.len()] as usize;
    let tenderers = ["T0", "T1", "T2", "T3", "T4"];
    let statuses = ["valid", "valid", "disqualified", "pending", "withdrawn"];
    let currencies = ["KGS", "KGS", "USD"];
    let bids: Vec<Value> = (0..1 + pick(0) % 4)
        .map(|bid| {
            json!({
                "status": statuses[pick(bid + 1) % statuses.len()],
                "date": format!("2024-03-{:02}T{:02}:00:00+06:00", 10 + pick(bid + 2) % 10, pick(bid + 3) % 24),
                "value": {"amount": 100 + pick(bid + 4) * 3, "currency": currencies[pick(bid + 5) % 3]},
                "tenderers": [{"id": tenderers[pick(bid + 6) % tenderers.len()]}],
            })
        })
        .collect();
    let method = ["open", "selective", "direct"][pick(3) % 3];
    // Questions, some answered (R039), and the tenderers' details, some shared (R044).
    let enquiries: Vec<Value> = (0..pick(8) % 3)
        .map(|enquiry| {
            let mut value = json!({"id": format!("Q{enquiry}"), "date": format!("2024-03-{:02}T10:00:00+06:00", 2 + pick(enquiry + 9) % 20)});
            if pick(enquiry + 10) % 2 == 0 {
                value["answer"] = json!("Да");
            }
            value
        })
        .collect();
    let parties: Vec<Value> = tenderers
        .iter()
        .enumerate()
        .map(|(slot, id)| {
            json!({"id": id, "address": {"streetAddress": format!("Street {}", pick(slot + 11) % 4), "locality": "Бишкек"},
                   "contactPoint": {"telephone": format!("+996 312 {}", pick(slot + 12) % 6)}})
        })
        .collect();
    json!({
        "ocid": format!("ocds-{index}"),
        "date": format!("2024-03-{:02}T12:00:00Z", 5 + pick(13) % 20),
        "parties": parties,
        "buyer": {"id": format!("B{}", pick(1) % 3)},
        "tender": {
            "procuringEntity": {"id": format!("P{}", pick(2) % 3)},
            "procurementMethod": method,
            "numberOfTenderers": pick(4) % 3,
            "tenderPeriod": {"startDate": "2024-03-01T09:00:00+06:00", "endDate": format!("2024-03-{:02}T09:00:00Z", 5 + pick(5) % 20)},
            "enquiries": enquiries,
            "items": [{"classification": {"id": format!("{}000000", 10 + pick(14) % 30)}}],
        },
        "bids": {"details": bids},
        "awards": [{"status": "active", "suppliers": [{"id": tenderers[pick(6) % tenderers.len()]}],
                    "value": {"amount": 100 + pick(15) * 5, "currency": currencies[pick(16) % 3]},
                    "items": [{"classification": {"id": format!("{}000000", 10 + pick(7) % 30)}}]}],
    })
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn compute(releases: &[Value], threads: usize) -> String {
    pool(threads)
        .install(|| Indicators::compute(releases, &settings()))
        .to_cardinal_json(true, true, true)
        .to_string()
}

/// As `achyk flags` computes: the processes given a batch at a time.
fn batched(releases: &[Value], batch: usize, threads: usize) -> Results {
    let settings = settings();
    let processes: Vec<Process> = releases.iter().filter_map(Process::from_release).collect();
    pool(threads).install(|| {
        let mut computation = Indicators::start(&settings);
        for chunk in processes.chunks(batch) {
            computation.add_processes(chunk.to_vec());
        }
        computation.finish()
    })
}

fn settings() -> Settings {
    let mut settings = Settings::all();
    if let Some(r048) = settings.r048.as_mut() {
        r048.minimum_contracting_processes = Some(1);
    }
    // Looser than the defaults, so that small inputs raise R023, R050 and R053 too.
    if let Some(r023) = settings.r023.as_mut() {
        r023.decimals = Some(1);
    }
    if let Some(r050) = settings.r050.as_mut() {
        r050.minimum_contracting_processes = Some(1);
        r050.digits = Some(1);
    }
    if let Some(r053) = settings.r053.as_mut() {
        r053.minimum_processes = Some(2);
        r053.threshold = Some(0.5);
    }
    settings
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn same_output_for_any_order_and_thread_count(
        choices in proptest::collection::vec(any::<u8>(), 16..64),
        count in 1usize..60,
        seed in any::<u64>(),
        threads in 1usize..5,
    ) {
        let releases: Vec<Value> = (0..count).map(|index| release(index, &choices)).collect();
        let mut shuffled = releases.clone();
        // A deterministic Fisher–Yates shuffle from the seed.
        let mut state = seed | 1;
        for index in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(index, (state % (index as u64 + 1)) as usize);
        }
        prop_assert_eq!(compute(&releases, 1), compute(&shuffled, threads));
    }

    #[test]
    fn batches_of_any_size_give_the_results_of_all_at_once(
        choices in proptest::collection::vec(any::<u8>(), 16..64),
        count in 1usize..60,
        batch in 1usize..20,
        threads in 1usize..5,
    ) {
        let releases: Vec<Value> = (0..count).map(|index| release(index, &choices)).collect();
        let whole = pool(1).install(|| Indicators::compute(&releases, &settings()));
        let got = batched(&releases, batch, threads);
        // The flags with their facts; then meta (whose NaN is not equal to itself: compared as
        // written) and maps.
        prop_assert_eq!(&got.flags, &whole.flags);
        prop_assert_eq!(
            got.to_cardinal_json(true, true, true),
            whole.to_cardinal_json(true, true, true)
        );
    }
}

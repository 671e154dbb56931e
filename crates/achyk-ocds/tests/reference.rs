//! Differential tests against OCP's reference implementation: `ocdskit compile` (which merges
//! with `ocdsmerge`) and `ocdsmerge`'s merge rules. The expected outputs come from running the
//! reference on the same input, never from achyk itself.
//!
//! The reference is installed with `pip install ocdskit` (`.ci/run` does it). When it is
//! missing these tests fail under CI (`CI` set) and are skipped with a notice elsewhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use achyk_ocds::rules::Rule;
use achyk_ocds::schema::KnownExtension;
use achyk_ocds::{MergeRules, compile, versioned};
use achyk_test_support::{ocds_crate_dir, ocdskit_compile, reference_available, reference_schema};
use serde_json::{Value, json};

fn folder(extension: KnownExtension) -> &'static str {
    match extension {
        KnownExtension::Lots => "lots",
        KnownExtension::Bid => "bid",
        KnownExtension::Enquiry => "enquiry",
    }
}

/// The reference's rules for the release schema patched by `extensions`, and that schema.
fn reference_rules(extensions: &[KnownExtension], dir: &Path) -> (Vec<(String, Rule)>, PathBuf) {
    let names: Vec<&str> = extensions
        .iter()
        .map(|extension| folder(*extension))
        .collect();
    let (rules, schema) = reference_schema(dir, &names);
    let rules = rules
        .into_iter()
        .map(|(path, rule)| {
            let rule = match rule.as_str() {
                "omitWhenMerged" => Rule::Omit,
                "wholeListMerge" => Rule::WholeList,
                other => panic!("unknown rule {other}"),
            };
            (path, rule)
        })
        .collect();
    (rules, schema)
}

#[test]
fn merge_rules_equal_the_reference_for_every_extension_set() {
    if !reference_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sets: [&[KnownExtension]; 5] = [
        &[],
        &[KnownExtension::Lots],
        &[KnownExtension::Bid],
        &[KnownExtension::Enquiry],
        &[
            KnownExtension::Lots,
            KnownExtension::Bid,
            KnownExtension::Enquiry,
        ],
    ];
    for set in sets {
        let (expected, _) = reference_rules(set, dir.path());
        assert_eq!(
            MergeRules::for_extensions(set).listing(),
            expected,
            "extensions {set:?}"
        );
    }
}

fn ocdskit(package: &Value, schema: &Path, versioned: bool) -> Vec<Value> {
    ocdskit_compile(&serde_json::to_vec(package).unwrap(), schema, versioned)
}

/// Merges the releases of a package the way `ocdskit compile` groups them: by ocid in ocid
/// order, each group in input order.
fn achyk_compile(package: &Value, rules: &MergeRules, want_versioned: bool) -> Vec<Value> {
    let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for release in package["releases"].as_array().unwrap() {
        groups
            .entry(release["ocid"].as_str().unwrap().to_owned())
            .or_default()
            .push(release.clone());
    }
    groups
        .into_values()
        .map(|releases| {
            if want_versioned {
                versioned(releases, rules).release
            } else {
                compile(releases, rules).release
            }
        })
        .collect()
}

/// Compares two JSON values, members in order, numbers by value; returns the first difference.
fn difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            let keys_a: Vec<&String> = a.keys().collect();
            let keys_b: Vec<&String> = b.keys().collect();
            if keys_a != keys_b {
                return Some(format!("{path}: members {keys_a:?} != {keys_b:?}"));
            }
            a.iter()
                .find_map(|(key, value)| difference(value, &b[key], &format!("{path}/{key}")))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!(
                    "{path}: {} items != {} items\nexpected {expected}\nactual   {actual}",
                    a.len(),
                    b.len()
                ));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(index, (a, b))| difference(a, b, &format!("{path}/{index}")))
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        _ if expected == actual => None,
        _ => Some(format!("{path}: {expected} != {actual}")),
    }
}

fn assert_same(expected: &[Value], actual: &[Value], what: &str) {
    assert_eq!(expected.len(), actual.len(), "{what}: number of outputs");
    for (expected, actual) in expected.iter().zip(actual) {
        if let Some(difference) = difference(expected, actual, "") {
            panic!(
                "{what}: {} differs from the reference at {difference}",
                expected["ocid"]
            );
        }
    }
}

/// A small deterministic generator (xorshift64*), so that failures can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Clone>(&mut self, choices: &[T]) -> T {
        choices[self.below(choices.len())].clone()
    }
}

fn maybe(
    random: &mut Random,
    members: &mut serde_json::Map<String, Value>,
    key: &str,
    percent: u64,
    value: impl FnOnce(&mut Random) -> Value,
) {
    if random.chance(percent) {
        let value = value(random);
        members.insert(key.to_owned(), value);
    }
}

fn organisation_reference(random: &mut Random) -> Value {
    let id = random.pick(&["org-1", "org-2", "org-3"]);
    let mut members = serde_json::Map::new();
    members.insert("id".into(), json!(id));
    maybe(random, &mut members, "name", 70, |r| {
        json!(r.pick(&["Ала-Тоо", "Supplier LLC", "Поставщик"]))
    });
    Value::Object(members)
}

fn value_object(random: &mut Random) -> Value {
    let mut members = serde_json::Map::new();
    maybe(random, &mut members, "amount", 80, |r| {
        r.pick(&[json!(100), json!(250.5), json!(1000), Value::Null])
    });
    maybe(random, &mut members, "currency", 60, |r| {
        r.pick(&[json!("KGS"), json!("USD")])
    });
    Value::Object(members)
}

/// An array of objects keyed by `id`, exercising duplicates, missing ids and empty objects.
fn id_array(
    random: &mut Random,
    ids: &[Value],
    item: impl Fn(&mut Random) -> serde_json::Map<String, Value>,
) -> Value {
    let count = random.below(4);
    let mut items = Vec::new();
    for _ in 0..count {
        let mut members = item(random);
        match random.below(10) {
            0 => {}               // no `id`: never merges
            1 => members.clear(), // an empty object: yields nothing
            _ => {
                let id = random.pick(ids);
                members.insert("id".into(), id);
            }
        }
        items.push(Value::Object(members));
    }
    Value::Array(items)
}

fn generate_release(random: &mut Random, ocid: &str, index: usize, date: &str) -> Value {
    let mut release = serde_json::Map::new();
    release.insert("ocid".into(), json!(ocid));
    release.insert("id".into(), json!(format!("{ocid}-r{index}")));
    release.insert("date".into(), json!(date));
    release.insert(
        "tag".into(),
        json!([random.pick(&["tender", "award", "contract", "tenderUpdate"])]),
    );
    maybe(random, &mut release, "initiationType", 50, |_| {
        json!("tender")
    });
    maybe(random, &mut release, "language", 30, |r| {
        r.pick(&[json!("ru"), json!("ky"), Value::Null])
    });
    maybe(random, &mut release, "parties", 60, |r| {
        id_array(r, &[json!("org-1"), json!("org-2"), json!("org-3")], |r| {
            let mut party = serde_json::Map::new();
            maybe(r, &mut party, "name", 80, |r| {
                json!(r.pick(&["Buyer", "Supplier", "Мэрия"]))
            });
            maybe(r, &mut party, "roles", 80, |r| {
                r.pick(&[json!(["buyer"]), json!(["supplier", "tenderer"]), json!([])])
            });
            maybe(
                r,
                &mut party,
                "identifier",
                50,
                |r| json!({"scheme": "KG-INN", "id": r.pick(&["01234567890123", "98765432109876"])}),
            );
            maybe(r, &mut party, "address", 30, |r| {
                r.pick(&[
                    json!({}),
                    json!({"region": "Чүй"}),
                    json!({"locality": null}),
                ])
            });
            party
        })
    });
    maybe(random, &mut release, "buyer", 40, organisation_reference);
    maybe(random, &mut release, "tender", 80, |r| {
        let mut tender = serde_json::Map::new();
        maybe(r, &mut tender, "id", 60, |_| json!("t-1"));
        maybe(r, &mut tender, "title", 70, |r| {
            r.pick(&[json!("Road repair"), json!("Ремонт школы"), Value::Null])
        });
        maybe(r, &mut tender, "status", 50, |r| {
            r.pick(&[json!("active"), json!("complete"), json!("cancelled")])
        });
        maybe(r, &mut tender, "value", 50, value_object);
        maybe(r, &mut tender, "submissionMethod", 30, |r| {
            r.pick(&[
                json!(["electronicSubmission"]),
                json!([]),
                json!(["written", "inPerson"]),
            ])
        });
        maybe(r, &mut tender, "tenderPeriod", 40, |r| {
            r.pick(&[
                json!({"startDate": "2020-01-01T00:00:00+06:00"}),
                json!({"endDate": null}),
                json!({}),
            ])
        });
        maybe(
            r,
            &mut tender,
            "procuringEntity",
            40,
            organisation_reference,
        );
        maybe(r, &mut tender, "tenderers", 30, |r| {
            id_array(r, &[json!("org-1"), json!("org-2")], |r| {
                let mut reference = serde_json::Map::new();
                maybe(r, &mut reference, "name", 70, |r| {
                    json!(r.pick(&["A", "B"]))
                });
                reference
            })
        });
        maybe(r, &mut tender, "items", 60, |r| {
            id_array(
                r,
                &[json!("1"), json!("2"), json!(1), json!("item-3")],
                |r| {
                    let mut item = serde_json::Map::new();
                    maybe(r, &mut item, "description", 70, |r| {
                        r.pick(&[json!("Cement"), json!("Цемент"), Value::Null])
                    });
                    maybe(r, &mut item, "quantity", 50, |r| {
                        r.pick(&[json!(10), json!(2.5)])
                    });
                    maybe(
                        r,
                        &mut item,
                        "unit",
                        40,
                        |r| json!({"name": "t", "value": value_object(r)}),
                    );
                    maybe(r, &mut item, "additionalClassifications", 40, |r| {
                        r.pick(&[
                            json!([{"scheme": "OKGZ", "id": "1"}]),
                            json!([{"scheme": "CPV", "id": "2"}, {"scheme": "OKGZ"}]),
                            json!([]),
                        ])
                    });
                    maybe(r, &mut item, "relatedLot", 40, |r| {
                        json!(r.pick(&["L1", "L2"]))
                    });
                    item
                },
            )
        });
        maybe(r, &mut tender, "lots", 40, |r| {
            id_array(r, &[json!("L1"), json!("L2")], |r| {
                let mut lot = serde_json::Map::new();
                maybe(r, &mut lot, "title", 60, |r| {
                    json!(r.pick(&["Lot 1", "Лот 2"]))
                });
                maybe(r, &mut lot, "value", 50, value_object);
                maybe(r, &mut lot, "status", 40, |r| {
                    r.pick(&[json!("active"), Value::Null])
                });
                lot
            })
        });
        maybe(r, &mut tender, "enquiries", 25, |r| {
            id_array(r, &[json!("q1"), json!("q2")], |r| {
                let mut enquiry = serde_json::Map::new();
                maybe(r, &mut enquiry, "title", 60, |r| {
                    json!(r.pick(&["When?", "Качество?"]))
                });
                maybe(r, &mut enquiry, "answer", 50, |r| {
                    r.pick(&[json!("Soon"), Value::Null])
                });
                maybe(r, &mut enquiry, "author", 30, organisation_reference);
                enquiry
            })
        });
        Value::Object(tender)
    });
    maybe(random, &mut release, "bids", 30, |r| {
        json!({"details": id_array(r, &[json!("b1"), json!("b2")], |r| {
            let mut bid = serde_json::Map::new();
            maybe(r, &mut bid, "status", 60, |r| r.pick(&[json!("valid"), json!("disqualified")]));
            maybe(r, &mut bid, "tenderers", 60, |r| id_array(r, &[json!("org-1"), json!("org-2")], |_| serde_json::Map::new()));
            maybe(r, &mut bid, "relatedLots", 40, |r| r.pick(&[json!(["L1"]), json!(["L1", "L2"])]));
            maybe(r, &mut bid, "value", 40, value_object);
            bid
        })})
    });
    maybe(random, &mut release, "awards", 50, |r| {
        id_array(r, &[json!("a1"), json!("a2"), json!(1), json!("1")], |r| {
            let mut award = serde_json::Map::new();
            maybe(r, &mut award, "status", 60, |r| {
                r.pick(&[json!("pending"), json!("active"), Value::Null])
            });
            maybe(r, &mut award, "value", 50, value_object);
            maybe(r, &mut award, "suppliers", 50, |r| {
                id_array(r, &[json!("org-1"), json!("org-2")], |r| {
                    let mut supplier = serde_json::Map::new();
                    maybe(r, &mut supplier, "name", 70, |r| {
                        json!(r.pick(&["S1", "S2"]))
                    });
                    supplier
                })
            });
            maybe(r, &mut award, "relatedLots", 40, |r| {
                r.pick(&[json!(["L1"]), json!(["L2"]), json!([])])
            });
            maybe(r, &mut award, "date", 30, |_| {
                json!("2020-02-01T00:00:00+06:00")
            });
            award
        })
    });
    maybe(random, &mut release, "contracts", 40, |r| {
        id_array(r, &[json!("c1"), json!("c2")], |r| {
            let mut contract = serde_json::Map::new();
            maybe(r, &mut contract, "awardID", 60, |r| {
                json!(r.pick(&["a1", "a2"]))
            });
            maybe(r, &mut contract, "value", 40, value_object);
            maybe(r, &mut contract, "implementation", 40, |r| {
                json!({"transactions": id_array(r, &[json!("tr1"), json!("tr2")], |r| {
                    let mut transaction = serde_json::Map::new();
                    maybe(r, &mut transaction, "value", 60, value_object);
                    maybe(r, &mut transaction, "payee", 40, organisation_reference);
                    transaction
                })})
            });
            contract
        })
    });
    // Fields no schema describes: the reference's default rules apply.
    maybe(random, &mut release, "x_custom", 35, |r| {
        let mut custom = serde_json::Map::new();
        maybe(r, &mut custom, "list", 60, |r| {
            id_array(r, &[json!("k1"), json!("k2"), json!(2)], |r| {
                let mut entry = serde_json::Map::new();
                maybe(r, &mut entry, "v", 80, |r| {
                    r.pick(&[json!(1), json!("one"), Value::Null, json!(true)])
                });
                maybe(r, &mut entry, "deep", 40, |r| {
                    json!({"inner": id_array(r, &[json!("d1")], |r| {
                        let mut inner = serde_json::Map::new();
                        maybe(r, &mut inner, "w", 80, |r| json!(r.below(3)));
                        inner
                    })})
                });
                entry
            })
        });
        maybe(r, &mut custom, "strings", 40, |r| {
            r.pick(&[json!(["a", "b"]), json!(["c"]), json!([])])
        });
        maybe(r, &mut custom, "empty", 30, |r| {
            r.pick(&[json!({}), json!([]), json!({"nested": {}})])
        });
        maybe(r, &mut custom, "flag", 30, |r| {
            r.pick(&[json!(true), json!(1), json!(false)])
        });
        Value::Object(custom)
    });
    Value::Object(release)
}

/// A package of generated processes. Dates within a process use mixed offsets but fall on
/// different days (so text order and time order agree, as the reference needs), and some
/// releases share the exact same date (to check that ties keep input order).
fn generate_package(seed: u64, processes: usize) -> Value {
    let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut releases = Vec::new();
    for process in 0..processes {
        let ocid = format!("ocds-test-{seed}-{process:03}");
        let count = 1 + random.below(6);
        let mut dates = Vec::new();
        for index in 0..count {
            let date = if index > 0 && random.chance(15) {
                random.pick(&dates)
            } else {
                let day = 1 + random.below(28);
                random.pick(&[
                    format!("2020-03-{day:02}T10:00:00+06:00"),
                    format!("2020-03-{day:02}T01:00:00Z"),
                    format!("2020-03-{day:02}T12:30:00.5+06:00"),
                ])
            };
            // Mixed offsets must not meet on the same day unless the text is identical.
            let day = &date[..10];
            let date = dates
                .iter()
                .find(|seen: &&String| &seen[..10] == day)
                .cloned()
                .unwrap_or(date);
            dates.push(date);
        }
        for (index, date) in dates.iter().enumerate() {
            releases.push(generate_release(&mut random, &ocid, index, date));
        }
    }
    // Shuffle so that the merge has to order releases itself.
    for index in (1..releases.len()).rev() {
        let other = random.below(index + 1);
        releases.swap(index, other);
    }
    json!({"uri": "test", "publishedDate": "2020-01-01T00:00:00Z", "version": "1.1", "releases": releases})
}

#[test]
fn generated_processes_compile_and_version_like_the_reference() {
    if !reference_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let all = [
        KnownExtension::Lots,
        KnownExtension::Bid,
        KnownExtension::Enquiry,
    ];
    for (extensions, seeds) in [(&all[..], 1..=4u64), (&[][..], 5..=6u64)] {
        let (_, schema) = reference_rules(extensions, dir.path());
        let rules = MergeRules::for_extensions(extensions);
        for seed in seeds {
            let package = generate_package(seed, 150);
            assert_same(
                &ocdskit(&package, &schema, false),
                &achyk_compile(&package, &rules, false),
                &format!("compiled, seed {seed}"),
            );
            assert_same(
                &ocdskit(&package, &schema, true),
                &achyk_compile(&package, &rules, true),
                &format!("versioned, seed {seed}"),
            );
        }
    }
}

#[test]
fn corner_cases_merge_like_the_reference() {
    if !reference_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_, schema) = reference_rules(&[], dir.path());
    let rules = MergeRules::for_extensions(&[]);
    let cases = [
        // An object set to null is not removed by the reference: its members stay.
        json!([{"tender": {"value": {"amount": 1}}}, {"tender": {"value": null}}]),
        // Identifiers of different types with the same text: separate items.
        json!([{"awards": [{"id": 1, "status": "pending"}]}, {"awards": [{"id": "1", "status": "active", "title": "x"}]}]),
        // A null identifier, and items without identifiers, which are appended every time.
        json!([{"x": [{"id": null, "a": 1}, {"b": 2}]}, {"x": [{"id": null, "a": 3}, {"b": 2}]}]),
        // An array of strings later replaced by an array of objects at an undescribed path.
        json!([{"x": ["a", "b"]}, {"x": [{"id": "1", "v": 1}]}]),
        // An object later replaced by a scalar keeps the object.
        json!([{"x": {"a": 1}}, {"x": "flat"}]),
        // Duplicate identifiers within one release, in a deep array.
        json!([{"contracts": [{"id": "c", "implementation": {"transactions": [{"id": "t", "a": 1}, {"id": "t", "b": 2}]}}]}]),
        // Equal values of different JSON types in a versioned history: 1, 1.0 and true.
        json!([{"x": {"v": 1}}, {"x": {"v": 1.0}}, {"x": {"v": true}}, {"x": {"v": 2}}]),
        // Empty arrays and objects never overwrite.
        json!([{"tender": {"items": [{"id": "1", "a": 1}]}}, {"tender": {"items": [], "value": {}}}]),
        // A release without a tag, and one whose id is a number.
        json!([{"id": 5, "tag": null}, {"tender": {"title": "t"}}]),
    ];
    // A null first, then an object: the reference's versioned merge fails on this one (the
    // null's history is a list where it then expects an object), so it is compared compiled only.
    let compiled_only =
        [json!([{"tender": {"value": null}}, {"tender": {"value": {"amount": 1}}}])];
    let package = corner_case_package(&cases);
    assert_same(
        &ocdskit(&package, &schema, false),
        &achyk_compile(&package, &rules, false),
        "compiled corner cases",
    );
    assert_same(
        &ocdskit(&package, &schema, true),
        &achyk_compile(&package, &rules, true),
        "versioned corner cases",
    );
    let package = corner_case_package(&compiled_only);
    assert_same(
        &ocdskit(&package, &schema, false),
        &achyk_compile(&package, &rules, false),
        "compiled-only corner cases",
    );
}

/// One process per case; each case lists the partial releases merged in order.
fn corner_case_package(cases: &[Value]) -> Value {
    let mut releases = Vec::new();
    for (case, partials) in cases.iter().enumerate() {
        for (index, partial) in partials.as_array().unwrap().iter().enumerate() {
            let mut release = json!({"ocid": format!("ocds-case-{case:02}"), "id": format!("r{index}"), "date": format!("2021-01-0{}T00:00:00Z", index + 1), "tag": ["tender"]});
            for (key, value) in partial.as_object().unwrap() {
                release[key] = value.clone();
            }
            releases.push(release);
        }
    }
    json!({"version": "1.1", "releases": releases})
}

#[test]
fn prozorro_releases_compile_like_the_reference() {
    if !reference_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_, schema) = reference_rules(&[KnownExtension::Bid], dir.path());
    let rules = MergeRules::for_extensions(&[KnownExtension::Bid]);
    let mut releases = Vec::new();
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(ocds_crate_dir().join("tests/fixtures/merge/prozorro"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
    files.sort();
    for file in files {
        releases.push(serde_json::from_slice::<Value>(&std::fs::read(file).unwrap()).unwrap());
    }
    // Two versions of each process: the second an update, to exercise merging on real shapes.
    let mut updated: Vec<Value> = releases.clone();
    for release in &mut updated {
        release["id"] = json!(format!("{}-update", release["id"].as_str().unwrap()));
        release["date"] = json!("2030-01-01T00:00:00+02:00");
        release["tender"]["status"] = json!("complete");
    }
    releases.extend(updated);
    let package = json!({"version": "1.1", "releases": releases});
    assert_same(
        &ocdskit(&package, &schema, false),
        &achyk_compile(&package, &rules, false),
        "ProZorro compiled",
    );
    assert_same(
        &ocdskit(&package, &schema, true),
        &achyk_compile(&package, &rules, true),
        "ProZorro versioned",
    );
}

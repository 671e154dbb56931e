//! Infrastructure projects on the site: the demo's places fall in their own regions, and the
//! projects list, map and page show what the project package says, with the measures worked
//! out by hand.

use achyk_ocds::project::ProjectFacts;
use achyk_web::map::{project_region, region_at};

#[test]
fn every_generated_settlement_lies_in_its_own_region() {
    for (region, locality, point) in achyk_kg::generate::settlement_points() {
        let (longitude, latitude) = point.unwrap_or_else(|| panic!("{locality} has no point"));
        // Osh city is drawn inside Osh region; projects there are told apart by distance.
        let expected = if region == achyk_kg::regions::Region::Osh {
            achyk_kg::regions::Region::OshOblast
        } else {
            region
        };
        // The generator moves each project up to 0.015° from its settlement's point.
        for (dx, dy) in [
            (0.0, 0.0),
            (-1.0, -1.0),
            (-1.0, 1.0),
            (1.0, -1.0),
            (1.0, 1.0),
        ] {
            let (x, y) = (longitude + dx * 0.015, latitude + dy * 0.015);
            assert_eq!(region_at(x, y), Some(expected), "{locality} at {x}, {y}");
        }
    }
}

fn facts(points: &[(f64, f64)], places: &[&str]) -> ProjectFacts {
    let project = serde_json::json!({
        "id": "p",
        "locations": points.iter().zip(places.iter().chain(std::iter::repeat(&"")))
            .map(|((x, y), place)| serde_json::json!({
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "address": {"region": place},
            }))
            .chain(places.iter().skip(points.len()).map(|place| serde_json::json!({
                "address": {"region": place},
            })))
            .collect::<Vec<_>>(),
    });
    ProjectFacts::read(&project).unwrap()
}

#[test]
fn a_projects_region_comes_from_its_point_then_its_place_names() {
    use achyk_kg::regions::Region;
    // Naryn town, as GeoJSON (longitude, latitude) and swapped.
    assert_eq!(
        project_region(&facts(&[(75.99, 41.43)], &[])),
        Some(Region::Naryn)
    );
    assert_eq!(
        project_region(&facts(&[(41.43, 75.99)], &[])),
        Some(Region::Naryn)
    );
    // Osh city centre, and Aravan in Osh region 25 km west.
    assert_eq!(
        project_region(&facts(&[(72.80, 40.53)], &[])),
        Some(Region::Osh)
    );
    assert_eq!(
        project_region(&facts(&[(72.51, 40.51)], &[])),
        Some(Region::OshOblast)
    );
    // A point outside the country falls back to the address.
    assert_eq!(
        project_region(&facts(&[(-0.11, 52.25)], &["Таласская область"])),
        Some(Region::Talas)
    );
    assert_eq!(
        project_region(&facts(&[], &["Чүй облусу"])),
        Some(Region::Chuy)
    );
    assert_eq!(project_region(&facts(&[(-0.11, 52.25)], &[])), None);
}

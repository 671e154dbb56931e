//! Kyrgyzstan's regions as a server-rendered SVG map, from Natural Earth's shapes embedded in
//! the binary (`assets/`). Each region is filled by its share of the highest value in one of
//! five classes, carries a `<title>` (its name and value) for pointers and screen readers, and
//! the page shows the same numbers in a table beside it.
//!
//! The shapes have Bishkek (`KG-GB`) but draw Osh city inside Osh region, so Osh city
//! (`KG-GO`) is a dot at its location.

use std::sync::OnceLock;

use achyk_kg::regions::Region;
use serde_json::Value;

/// Width of the drawing in SVG units; the height follows Kyrgyzstan's shape.
const WIDTH: f64 = 600.0;
/// Osh city, longitude and latitude.
const OSH_CITY: (f64, f64) = (72.80, 40.53);
/// Sequential fills from light to dark (colour-blind safe blues), for values from low to high.
const FILLS: [&str; 5] = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
const EMPTY_FILL: &str = "#f0f0f0";

/// A region's outlines: rings of (longitude, latitude).
type Rings = Vec<Vec<(f64, f64)>>;

struct Shapes {
    /// (region, SVG path data).
    paths: Vec<(Region, String)>,
    /// (region, its rings in longitude and latitude), to find the region of a point.
    rings: Vec<(Region, Rings)>,
    osh_city: (f64, f64),
    height: f64,
    /// The projection: west and north edges, the cosine squeeze and the scale.
    frame: (f64, f64, f64, f64),
}

impl Shapes {
    /// A (longitude, latitude) point in SVG units.
    fn project(&self, longitude: f64, latitude: f64) -> (f64, f64) {
        let (west, north, squeeze, scale) = self.frame;
        (
            (longitude - west) * squeeze * scale,
            (north - latitude) * scale,
        )
    }
}

fn shapes() -> &'static Shapes {
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let geojson: Value = serde_json::from_str(include_str!(
            "../assets/kg-regions-naturalearth-10m.geojson"
        ))
        .expect("the embedded region shapes are JSON");
        let mut rings: Vec<(Region, Rings)> = Vec::new();
        for feature in geojson["features"].as_array().into_iter().flatten() {
            let Some(region) = feature["properties"]["iso_3166_2"]
                .as_str()
                .and_then(Region::from_iso_code)
            else {
                continue;
            };
            let geometry = &feature["geometry"];
            let polygons: Vec<&Value> = match geometry["type"].as_str() {
                Some("Polygon") => vec![&geometry["coordinates"]],
                Some("MultiPolygon") => geometry["coordinates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .collect(),
                _ => Vec::new(),
            };
            let mut region_rings = Vec::new();
            for polygon in polygons {
                for ring in polygon.as_array().into_iter().flatten() {
                    let points: Vec<(f64, f64)> = ring
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|point| Some((point[0].as_f64()?, point[1].as_f64()?)))
                        .collect();
                    region_rings.push(points);
                }
            }
            rings.push((region, region_rings));
        }
        // An equirectangular projection scaled by the cosine of the middle latitude, so the
        // country keeps its shape at this size.
        let all = rings.iter().flat_map(|(_, rings)| rings.iter().flatten());
        let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (longitude, latitude) in all {
            west = west.min(*longitude);
            east = east.max(*longitude);
            south = south.min(*latitude);
            north = north.max(*latitude);
        }
        let squeeze = ((south + north) / 2.0).to_radians().cos();
        let scale = WIDTH / ((east - west) * squeeze);
        let height = (north - south) * scale;
        let project = |(longitude, latitude): (f64, f64)| {
            (
                (longitude - west) * squeeze * scale,
                (north - latitude) * scale,
            )
        };
        let kept = rings.clone();
        let paths = rings
            .into_iter()
            .map(|(region, rings)| {
                let mut path = String::new();
                for ring in rings {
                    let mut last: Option<(i64, i64)> = None;
                    for (index, point) in ring.into_iter().enumerate() {
                        let (x, y) = project(point);
                        // Whole SVG units: finer detail does not show at this size and only
                        // makes the page heavier.
                        let rounded = (x.round() as i64, y.round() as i64);
                        if last == Some(rounded) {
                            continue;
                        }
                        path.push_str(if index == 0 { "M" } else { "L" });
                        path.push_str(&format!("{} {}", rounded.0, rounded.1));
                        last = Some(rounded);
                    }
                    path.push('Z');
                }
                (region, path)
            })
            .collect();
        Shapes {
            paths,
            rings: kept,
            osh_city: project(OSH_CITY),
            height,
            frame: (west, north, squeeze, scale),
        }
    })
}

/// One region's value on the map and its words.
pub struct MapValue {
    pub region: Region,
    pub value: f64,
    /// What the region's title says: its name and the value in words.
    pub title: String,
}

/// The fill class of `value` against the largest value shown.
fn fill(value: f64, maximum: f64) -> &'static str {
    if maximum <= 0.0 || value <= 0.0 {
        return EMPTY_FILL;
    }
    let class = ((value / maximum) * FILLS.len() as f64).ceil() as usize;
    FILLS[class.clamp(1, FILLS.len()) - 1]
}

/// The map as inline SVG markup, labelled by `label` (the metric's name).
pub fn render(values: &[MapValue], label: &str) -> String {
    let shapes = shapes();
    let maximum = values.iter().map(|value| value.value).fold(0.0, f64::max);
    let find = |region: Region| values.iter().find(|value| value.region == region);
    let mut svg = format!(
        "<svg class=\"map\" viewBox=\"0 0 {WIDTH} {:.0}\" role=\"img\" aria-label=\"{}\">",
        shapes.height,
        escape(label)
    );
    for (region, path) in &shapes.paths {
        let (colour, title) = match find(*region) {
            Some(value) => (fill(value.value, maximum), value.title.clone()),
            None => (EMPTY_FILL, String::new()),
        };
        svg.push_str(&format!(
            "<path d=\"{path}\" fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"1.5\" data-region=\"{}\"><title>{}</title></path>",
            region.iso_code(),
            escape(&title)
        ));
    }
    if let Some(value) = find(Region::Osh) {
        let (x, y) = shapes.osh_city;
        svg.push_str(&format!(
            "<circle cx=\"{x:.0}\" cy=\"{y:.0}\" r=\"9\" fill=\"{}\" stroke=\"#1b1f24\" stroke-width=\"1.5\" data-region=\"KG-GO\"><title>{}</title></circle>",
            fill(value.value, maximum),
            escape(&value.title)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The region a point lies in (even-odd rule over every ring of each region), if any. Osh city
/// is drawn inside Osh region, so it counts as Osh region.
pub fn region_at(longitude: f64, latitude: f64) -> Option<Region> {
    let inside = |ring: &Vec<(f64, f64)>| {
        let mut crossings = false;
        let mut previous = *ring.last()?;
        for &(x, y) in ring {
            let (px, py) = previous;
            if (y > latitude) != (py > latitude)
                && longitude < (px - x) * (latitude - y) / (py - y) + x
            {
                crossings = !crossings;
            }
            previous = (x, y);
        }
        Some(crossings)
    };
    shapes().rings.iter().find_map(|(region, rings)| {
        let count = rings
            .iter()
            .filter(|ring| inside(ring).unwrap_or(false))
            .count();
        (count % 2 == 1).then_some(*region)
    })
}

/// A point on the map: a project, or projects close together.
pub struct MapPoint {
    pub longitude: f64,
    pub latitude: f64,
    /// What the point's title says.
    pub title: String,
    /// How many things the point stands for; the mark grows with it.
    pub count: i64,
    /// Drawn as a warning (late or over budget) rather than plain.
    pub alert: bool,
}

/// The regions in outline with `points` over them, as inline SVG labelled by `label`. Alert
/// points are orange squares, others blue circles, so the difference does not rest on colour.
pub fn render_points(points: &[MapPoint], label: &str) -> String {
    let shapes = shapes();
    let mut svg = format!(
        "<svg class=\"map\" viewBox=\"0 0 {WIDTH} {:.0}\" role=\"img\" aria-label=\"{}\">",
        shapes.height,
        escape(label)
    );
    for (region, path) in &shapes.paths {
        svg.push_str(&format!(
            "<path d=\"{path}\" fill=\"{EMPTY_FILL}\" stroke=\"#8c959f\" stroke-width=\"1\" data-region=\"{}\"/>",
            region.iso_code()
        ));
    }
    for point in points {
        let (x, y) = shapes.project(point.longitude, point.latitude);
        // The area grows with the count, gently: 1 → 3.5, 10 → 6.2, 100 → 9.0, at most 12.
        let radius = (3.5 + 1.17 * (point.count.max(1) as f64).ln()).min(12.0);
        if point.alert {
            svg.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"pt-alert\" data-count=\"{}\"><title>{}</title></rect>",
                x - radius,
                y - radius,
                2.0 * radius,
                2.0 * radius,
                point.count,
                escape(&point.title)
            ));
        } else {
            svg.push_str(&format!(
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius:.1}\" class=\"pt\" data-count=\"{}\"><title>{}</title></circle>",
                point.count,
                escape(&point.title)
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The region of an infrastructure project: the first of its points that falls in Kyrgyzstan
/// (a point published as latitude, longitude instead of GeoJSON's longitude, latitude is
/// recognised by falling in the country only once swapped), else the first place name that
/// names exactly one region.
pub fn project_region(facts: &achyk_ocds::project::ProjectFacts) -> Option<Region> {
    project_place(facts).0
}

/// A project's region (as [`project_region`]) and the point it was found at, as (longitude,
/// latitude), swapped back when it was published as latitude, longitude.
pub fn project_place(
    facts: &achyk_ocds::project::ProjectFacts,
) -> (Option<Region>, Option<(f64, f64)>) {
    let found = facts.points.iter().find_map(|&(longitude, latitude)| {
        let (region, longitude, latitude) = match region_at(longitude, latitude) {
            Some(region) => (region, longitude, latitude),
            None => (region_at(latitude, longitude)?, latitude, longitude),
        };
        let region = if region == Region::OshOblast && in_osh_city(longitude, latitude) {
            Region::Osh
        } else {
            region
        };
        Some((region, (longitude, latitude)))
    });
    match found {
        Some((region, point)) => (Some(region), Some(point)),
        None => (
            facts
                .places
                .iter()
                .find_map(|place| Region::from_name(place)),
            None,
        ),
    }
}

/// The store's resolver: each project's region and its point (corrected when swapped).
pub fn place_resolver() -> achyk_store::RegionResolver {
    std::sync::Arc::new(|facts| {
        let (region, point) = project_place(facts);
        achyk_store::ProjectPlace {
            region: region.map(|region| region.iso_code().to_owned()),
            point,
        }
    })
}

/// Whether a point is in Osh city, which the shapes draw inside Osh region: within about
/// 6 km of its centre.
fn in_osh_city(longitude: f64, latitude: f64) -> bool {
    (longitude - OSH_CITY.0).abs() < 0.07 && (latitude - OSH_CITY.1).abs() < 0.05
}

/// The map as links: each region opens `href` of its code, named by its name; `selected` is
/// drawn darker. For choosing a region without JavaScript.
pub fn render_links(
    names: &[(Region, String)],
    href: &dyn Fn(Region) -> String,
    selected: Option<Region>,
    label: &str,
) -> String {
    let shapes = shapes();
    let mut svg = format!(
        "<svg class=\"map\" viewBox=\"0 0 {WIDTH} {:.0}\" role=\"group\" aria-label=\"{}\">",
        shapes.height,
        escape(label)
    );
    for (region, path) in &shapes.paths {
        let name = names
            .iter()
            .find(|(named, _)| named == region)
            .map_or(String::new(), |(_, name)| name.clone());
        let colour = if selected == Some(*region) {
            FILLS[4]
        } else {
            FILLS[0]
        };
        svg.push_str(&format!(
            "<a href=\"{}\" aria-label=\"{}\"><path d=\"{path}\" fill=\"{colour}\" stroke=\"#1b1f24\" stroke-width=\"1\"><title>{}</title></path></a>",
            escape(&href(*region)),
            escape(&name),
            escape(&name)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The legend's classes: (fill, lower bound, upper bound) of each, for the largest value.
pub fn legend(maximum: f64) -> Vec<(&'static str, f64, f64)> {
    let step = maximum / FILLS.len() as f64;
    FILLS
        .iter()
        .enumerate()
        .map(|(index, colour)| (*colour, step * index as f64, step * (index + 1) as f64))
        .collect()
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_oblast_and_bishkek_has_a_shape_inside_the_drawing() {
        let shapes = shapes();
        let mut drawn: Vec<&str> = shapes
            .paths
            .iter()
            .map(|(region, _)| region.iso_code())
            .collect();
        drawn.sort();
        assert_eq!(
            drawn,
            [
                "KG-B", "KG-C", "KG-GB", "KG-J", "KG-N", "KG-O", "KG-T", "KG-Y"
            ]
        );
        // Kyrgyzstan is about 900 km wide and 450 km tall: the drawing keeps that shape.
        assert!((250.0..330.0).contains(&shapes.height), "{}", shapes.height);
        for (_, path) in &shapes.paths {
            for number in path
                .split(|c: char| !(c.is_ascii_digit() || c == '-'))
                .filter(|n| !n.is_empty())
            {
                let number: f64 = number.parse().unwrap();
                assert!((0.0..=WIDTH).contains(&number), "{number}");
            }
        }
        // Osh city is in the south-west, inside the drawing.
        let (x, y) = shapes.osh_city;
        assert!(
            x > 100.0 && x < 300.0 && y > 150.0 && y < shapes.height,
            "{x} {y}"
        );
    }

    #[test]
    fn fills_rise_with_the_value() {
        assert_eq!(fill(0.0, 10.0), EMPTY_FILL);
        assert_eq!(fill(1.0, 10.0), FILLS[0]);
        assert_eq!(fill(5.0, 10.0), FILLS[2]);
        assert_eq!(fill(10.0, 10.0), FILLS[4]);
    }

    #[test]
    fn points_fall_in_the_regions_a_map_of_kyrgyzstan_shows() {
        // Town centres from any atlas, and Almaty across the border.
        let cases = [
            ((74.59, 42.87), Some("KG-GB")),
            ((75.99, 41.43), Some("KG-N")),
            ((78.39, 42.49), Some("KG-Y")),
            ((72.99, 40.93), Some("KG-J")),
            ((72.80, 40.53), Some("KG-O")),
            ((72.23, 42.52), Some("KG-T")),
            ((70.82, 40.06), Some("KG-B")),
            ((74.77, 42.84), Some("KG-C")),
            ((76.95, 43.24), None),
        ];
        for ((longitude, latitude), expected) in cases {
            assert_eq!(
                region_at(longitude, latitude).map(Region::iso_code),
                expected,
                "{longitude} {latitude}"
            );
        }
    }
}

//! Kyrgyzstan's first-level regions: the seven oblasts and the two cities of republican
//! significance, Bishkek and Osh.
//!
//! An address is resolved first by its `ateCode` (the national territorial classifier,
//! СОАТЕ: `417` for the country, then two digits for the region), then by the region and
//! locality names it carries, in Russian, Kyrgyz or Latin script.

/// One of the nine regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    Bishkek,
    Osh,
    Batken,
    Chuy,
    IssykKul,
    JalalAbad,
    Naryn,
    OshOblast,
    Talas,
}

impl Region {
    pub const ALL: [Region; 9] = [
        Region::Bishkek,
        Region::Osh,
        Region::Batken,
        Region::Chuy,
        Region::IssykKul,
        Region::JalalAbad,
        Region::Naryn,
        Region::OshOblast,
        Region::Talas,
    ];

    /// ISO 3166-2 code, which is also the key of the region's shape in the map data (where
    /// Osh city, `KG-GO`, is drawn inside Osh oblast, `KG-O`).
    pub fn iso_code(self) -> &'static str {
        match self {
            Region::Bishkek => "KG-GB",
            Region::Osh => "KG-GO",
            Region::Batken => "KG-B",
            Region::Chuy => "KG-C",
            Region::IssykKul => "KG-Y",
            Region::JalalAbad => "KG-J",
            Region::Naryn => "KG-N",
            Region::OshOblast => "KG-O",
            Region::Talas => "KG-T",
        }
    }

    pub fn from_iso_code(code: &str) -> Option<Region> {
        Region::ALL
            .into_iter()
            .find(|region| region.iso_code() == code)
    }

    /// The first five digits of the region's СОАТЕ codes.
    pub fn ate_prefix(self) -> &'static str {
        match self {
            Region::IssykKul => "41702",
            Region::JalalAbad => "41703",
            Region::Naryn => "41704",
            Region::Batken => "41705",
            Region::OshOblast => "41706",
            Region::Talas => "41707",
            Region::Chuy => "41708",
            Region::Bishkek => "41711",
            Region::Osh => "41721",
        }
    }

    /// The region's name as the feed writes it (Russian).
    pub fn name_ru(self) -> &'static str {
        match self {
            Region::Bishkek => "г. Бишкек",
            Region::Osh => "г. Ош",
            Region::Batken => "Баткенская область",
            Region::Chuy => "Чуйская область",
            Region::IssykKul => "Иссык-Кульская область",
            Region::JalalAbad => "Джалал-Абадская область",
            Region::Naryn => "Нарынская область",
            Region::OshOblast => "Ошская область",
            Region::Talas => "Таласская область",
        }
    }

    pub fn name_ky(self) -> &'static str {
        match self {
            Region::Bishkek => "Бишкек шаары",
            Region::Osh => "Ош шаары",
            Region::Batken => "Баткен облусу",
            Region::Chuy => "Чүй облусу",
            Region::IssykKul => "Ысык-Көл облусу",
            Region::JalalAbad => "Жалал-Абад облусу",
            Region::Naryn => "Нарын облусу",
            Region::OshOblast => "Ош облусу",
            Region::Talas => "Талас облусу",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Region::Bishkek => "Bishkek",
            Region::Osh => "Osh city",
            Region::Batken => "Batken Region",
            Region::Chuy => "Chüy Region",
            Region::IssykKul => "Issyk-Kul Region",
            Region::JalalAbad => "Jalal-Abad Region",
            Region::Naryn => "Naryn Region",
            Region::OshOblast => "Osh Region",
            Region::Talas => "Talas Region",
        }
    }

    /// The region of a СОАТЕ code (`41708000000000`), if it names one.
    pub fn from_ate_code(code: &str) -> Option<Region> {
        let code = code.trim();
        if code.len() < 5 || !code.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        Region::ALL
            .into_iter()
            .find(|region| code.starts_with(region.ate_prefix()))
    }

    /// The region named by free text such as an address's `region` or `locality`
    /// ("Чуйская область", "Чүй облусу", "г. Ош", "Osh Region", "Бишкек"), if exactly one
    /// region matches.
    pub fn from_name(text: &str) -> Option<Region> {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .filter(|word| !word.is_empty())
            .collect();
        let has = |stem: &str| words.iter().any(|word| word.starts_with(stem));
        let oblast = has("област") || has("облус") || has("region") || has("oblast");
        let city = words.contains(&"г") || has("город") || has("шаар") || has("city");
        let mut found = Vec::new();
        if has("бишкек") || has("bishkek") {
            found.push(Region::Bishkek);
        }
        if has("ошская") || (has("ош") || has("osh")) && oblast {
            found.push(Region::OshOblast);
        } else if words.iter().any(|word| *word == "ош" || *word == "osh") || city && has("ош")
        {
            found.push(Region::Osh);
        }
        if has("баткен") || has("batken") {
            found.push(Region::Batken);
        }
        if has("чуй") || has("чүй") || has("chuy") || has("chüy") || has("chui") {
            found.push(Region::Chuy);
        }
        if has("иссык") || has("ысык") || has("issyk") || has("ysyk") {
            found.push(Region::IssykKul);
        }
        if has("джалал") || has("жалал") || has("jalal") {
            found.push(Region::JalalAbad);
        }
        if has("нарын") || has("naryn") {
            found.push(Region::Naryn);
        }
        if has("талас") || has("talas") {
            found.push(Region::Talas);
        }
        match found.as_slice() {
            [region] => Some(*region),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Region;

    #[test]
    fn ate_codes_resolve_by_their_region_digits() {
        // Codes from the synthetic feed sample and the СОАТЕ structure (417 + region).
        assert_eq!(Region::from_ate_code("41708000000000"), Some(Region::Chuy));
        assert_eq!(
            Region::from_ate_code("41711000000000"),
            Some(Region::Bishkek)
        );
        assert_eq!(Region::from_ate_code("41721000000000"), Some(Region::Osh));
        assert_eq!(
            Region::from_ate_code("41706215000000"),
            Some(Region::OshOblast)
        );
        assert_eq!(Region::from_ate_code("41799000000000"), None);
        assert_eq!(Region::from_ate_code("4170"), None);
        assert_eq!(Region::from_ate_code("41708x"), None);
    }

    #[test]
    fn names_resolve_in_russian_kyrgyz_and_latin() {
        assert_eq!(Region::from_name("Чуйская область"), Some(Region::Chuy));
        assert_eq!(Region::from_name("Чүй облусу"), Some(Region::Chuy));
        assert_eq!(Region::from_name("г. Бишкек"), Some(Region::Bishkek));
        assert_eq!(Region::from_name("г. Ош"), Some(Region::Osh));
        assert_eq!(Region::from_name("Ош шаары"), Some(Region::Osh));
        assert_eq!(Region::from_name("Ошская область"), Some(Region::OshOblast));
        assert_eq!(Region::from_name("Ош облусу"), Some(Region::OshOblast));
        assert_eq!(Region::from_name("Osh Region"), Some(Region::OshOblast));
        assert_eq!(Region::from_name("Ысык-Көл облусу"), Some(Region::IssykKul));
        assert_eq!(
            Region::from_name("Джалал-Абадская область"),
            Some(Region::JalalAbad)
        );
        assert_eq!(Region::from_name("с. Беловодское"), None);
        // Two regions named at once is no answer.
        assert_eq!(Region::from_name("Бишкек — Нарын"), None);
    }

    #[test]
    fn every_region_has_its_own_codes_and_round_trips_its_names() {
        for region in Region::ALL {
            assert_eq!(Region::from_iso_code(region.iso_code()), Some(region));
            assert_eq!(
                Region::from_name(region.name_ru()),
                Some(region),
                "{region:?}"
            );
            assert_eq!(
                Region::from_name(region.name_ky()),
                Some(region),
                "{region:?}"
            );
            assert_eq!(
                Region::from_name(region.name_en()),
                Some(region),
                "{region:?}"
            );
            let code = format!("{}000000000", region.ate_prefix());
            assert_eq!(Region::from_ate_code(&code), Some(region));
        }
    }
}

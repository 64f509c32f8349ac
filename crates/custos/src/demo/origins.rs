//! Heritage groups of the synthetic population: how common each is among people known to a
//! London force, where its names come from, how they are composed (Singh and Kaur, Mohammed as a
//! first forename, Vietnamese middle names, two Spanish surnames...), and the self-defined and
//! officer-observed ethnicity codes people of that heritage are usually recorded with.
//!
//! Self-defined ethnicity uses the 2021 Census groups with the short codes of
//! `custos_core::person::SelfDefinedEthnicity`: W1 White British, W2 Irish, W3 Gypsy or Irish
//! Traveller, W4 Roma, W5 any other White; M1 White and Black Caribbean, M2 White and Black
//! African, M3 White and Asian, M4 any other Mixed; A1 Indian, A2 Pakistani, A3 Bangladeshi,
//! A4 Chinese, A5 any other Asian; B1 Caribbean, B2 African, B3 any other Black; O1 Arab, O2 any
//! other ethnic group.
//! Officer-observed ethnicity uses the IC codes: IC1 White North European, IC2 White South
//! European, IC3 Black, IC4 Asian, IC5 Chinese, Japanese or other South East Asian, IC6 Arab or
//! North African, IC9 unknown.

use super::europe;
use super::world::{self, Pool};

/// How names are put together for a heritage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    /// British decade forenames, optional middle names, occasional double-barrelled surname.
    British,
    /// British and Caribbean decade forenames.
    Caribbean,
    /// Mixed heritage: British or Caribbean forenames, surnames from several pools.
    Mixed,
    /// A heritage pool with British middle-name habits.
    Pooled,
    /// Pakistani and Bangladeshi Muslim names (Mohammed first; Begum and Khatun for women).
    SouthAsianMuslim,
    /// Sikh names with Singh and Kaur.
    Sikh,
    /// Somali: forename, father's name, grandfather's name as surname.
    Somali,
    /// Vietnamese: family name, middle name (Van, Thi), given name.
    Vietnamese,
    /// Chinese: often an English forename alongside the Chinese one.
    Chinese,
    /// Spanish and Latin American: compound forenames and two surnames.
    Iberian,
    /// Surnames that inflect for sex (Polish, Lithuanian, Russian).
    Inflected,
    /// Christian and Yoruba/Igbo/Akan forenames together.
    WestAfrican,
}

/// One heritage group.
#[derive(Debug)]
pub(super) struct Origin {
    pub name: &'static str,
    pub weight: f64,
    pub style: Style,
    pub pool: Option<&'static Pool>,
    pub surnames: &'static [&'static str],
    pub ethnicity: &'static [(&'static str, f64)],
    pub observed: &'static [(&'static str, f64)],
    /// Passport countries (ISO 3166 alpha-3) other than GBR.
    pub countries: &'static [&'static str],
    /// Share born (or naturalised) in the UK: they hold GBR passports and NI numbers more often.
    pub uk_born: f64,
}

const IC1: &[(&str, f64)] = &[("IC1", 0.93), ("IC2", 0.05), ("IC9", 0.02)];
const IC2: &[(&str, f64)] = &[("IC2", 0.7), ("IC1", 0.25), ("IC9", 0.05)];
const IC3: &[(&str, f64)] = &[("IC3", 0.96), ("IC9", 0.04)];
const IC4: &[(&str, f64)] = &[("IC4", 0.93), ("IC6", 0.03), ("IC9", 0.04)];
const IC5: &[(&str, f64)] = &[("IC5", 0.94), ("IC4", 0.03), ("IC9", 0.03)];
const IC6: &[(&str, f64)] = &[("IC6", 0.8), ("IC2", 0.15), ("IC9", 0.05)];

pub(super) const ORIGINS: &[Origin] = &[
    Origin { name: "white british", weight: 33.0, style: Style::British, pool: None, surnames: super::surnames::BRITISH, ethnicity: &[("W1", 1.0)], observed: IC1, countries: &[], uk_born: 1.0 },
    Origin { name: "irish", weight: 2.0, style: Style::Pooled, pool: Some(&world::IRISH), surnames: super::surnames::IRISH, ethnicity: &[("W2", 1.0)], observed: IC1, countries: &["IRL"], uk_born: 0.6 },
    Origin { name: "irish traveller", weight: 0.6, style: Style::British, pool: None, surnames: TRAVELLER, ethnicity: &[("W3", 1.0)], observed: IC1, countries: &[], uk_born: 1.0 },
    Origin { name: "black caribbean", weight: 5.5, style: Style::Caribbean, pool: None, surnames: super::surnames::CARIBBEAN, ethnicity: &[("B1", 0.9), ("B3", 0.1)], observed: IC3, countries: &["JAM"], uk_born: 0.85 },
    Origin { name: "mixed", weight: 6.0, style: Style::Mixed, pool: None, surnames: super::surnames::BRITISH, ethnicity: &[("M1", 0.45), ("M2", 0.2), ("M3", 0.2), ("M4", 0.15)], observed: &[("IC3", 0.5), ("IC1", 0.25), ("IC2", 0.15), ("IC4", 0.1)], countries: &[], uk_born: 1.0 },
    Origin { name: "west african", weight: 6.5, style: Style::WestAfrican, pool: Some(&world::WEST_AFRICAN), surnames: world::WEST_AFRICAN.surnames, ethnicity: &[("B2", 1.0)], observed: IC3, countries: &["NGA", "GHA", "SLE"], uk_born: 0.55 },
    Origin { name: "somali", weight: 2.0, style: Style::Somali, pool: Some(&world::SOMALI), surnames: world::SOMALI.surnames, ethnicity: &[("B2", 0.7), ("B3", 0.3)], observed: IC3, countries: &["SOM", "NLD"], uk_born: 0.45 },
    Origin { name: "indian hindu", weight: 4.0, style: Style::Pooled, pool: Some(&world::HINDU), surnames: world::HINDU.surnames, ethnicity: &[("A1", 1.0)], observed: IC4, countries: &["IND"], uk_born: 0.6 },
    Origin { name: "indian sikh", weight: 2.0, style: Style::Sikh, pool: Some(&world::SIKH), surnames: world::SIKH.surnames, ethnicity: &[("A1", 1.0)], observed: IC4, countries: &["IND"], uk_born: 0.7 },
    Origin { name: "pakistani", weight: 3.5, style: Style::SouthAsianMuslim, pool: Some(&world::SOUTH_ASIAN_MUSLIM), surnames: world::SOUTH_ASIAN_MUSLIM.surnames, ethnicity: &[("A2", 1.0)], observed: IC4, countries: &["PAK"], uk_born: 0.6 },
    Origin { name: "bangladeshi", weight: 4.0, style: Style::SouthAsianMuslim, pool: Some(&world::SOUTH_ASIAN_MUSLIM), surnames: world::SOUTH_ASIAN_MUSLIM.surnames, ethnicity: &[("A3", 1.0)], observed: IC4, countries: &["BGD"], uk_born: 0.65 },
    Origin { name: "chinese", weight: 1.2, style: Style::Chinese, pool: Some(&world::CHINESE), surnames: world::CHINESE.surnames, ethnicity: &[("A4", 1.0)], observed: IC5, countries: &["CHN", "HKG"], uk_born: 0.4 },
    Origin { name: "vietnamese", weight: 1.0, style: Style::Vietnamese, pool: Some(&world::VIETNAMESE), surnames: world::VIETNAMESE.surnames, ethnicity: &[("A5", 1.0)], observed: IC5, countries: &["VNM"], uk_born: 0.4 },
    Origin { name: "polish", weight: 4.0, style: Style::Inflected, pool: Some(&europe::POLISH), surnames: europe::POLISH.surnames, ethnicity: &[("W5", 1.0)], observed: IC1, countries: &["POL"], uk_born: 0.2 },
    Origin { name: "romanian", weight: 4.0, style: Style::Pooled, pool: Some(&europe::ROMANIAN), surnames: europe::ROMANIAN.surnames, ethnicity: &[("W5", 0.85), ("W4", 0.15)], observed: &[("IC1", 0.6), ("IC2", 0.4)], countries: &["ROU"], uk_born: 0.1 },
    Origin { name: "lithuanian", weight: 1.2, style: Style::Inflected, pool: Some(&europe::LITHUANIAN), surnames: europe::LITHUANIAN.surnames, ethnicity: &[("W5", 1.0)], observed: IC1, countries: &["LTU"], uk_born: 0.15 },
    Origin { name: "russian or ukrainian", weight: 1.2, style: Style::Inflected, pool: Some(&europe::RUSSIAN_UKRAINIAN), surnames: europe::RUSSIAN_UKRAINIAN.surnames, ethnicity: &[("W5", 1.0)], observed: IC1, countries: &["UKR", "RUS"], uk_born: 0.15 },
    Origin { name: "albanian", weight: 1.5, style: Style::Pooled, pool: Some(&europe::ALBANIAN), surnames: europe::ALBANIAN.surnames, ethnicity: &[("W5", 1.0)], observed: &[("IC1", 0.5), ("IC2", 0.5)], countries: &["ALB"], uk_born: 0.2 },
    Origin { name: "turkish or kurdish", weight: 3.0, style: Style::Pooled, pool: Some(&world::TURKISH), surnames: world::TURKISH.surnames, ethnicity: &[("W5", 0.5), ("O2", 0.5)], observed: &[("IC2", 0.6), ("IC6", 0.4)], countries: &["TUR"], uk_born: 0.45 },
    Origin { name: "arab", weight: 2.5, style: Style::Pooled, pool: Some(&world::ARAB), surnames: world::ARAB.surnames, ethnicity: &[("O1", 1.0)], observed: IC6, countries: &["MAR", "DZA", "IRQ", "SYR"], uk_born: 0.4 },
    Origin { name: "iberian or latin american", weight: 3.0, style: Style::Iberian, pool: Some(&europe::IBERIAN), surnames: europe::IBERIAN.surnames, ethnicity: &[("W5", 0.6), ("O2", 0.4)], observed: IC2, countries: &["PRT", "ESP", "COL", "BRA"], uk_born: 0.3 },
    Origin { name: "italian", weight: 1.2, style: Style::Pooled, pool: Some(&europe::ITALIAN), surnames: europe::ITALIAN.surnames, ethnicity: &[("W5", 1.0)], observed: IC2, countries: &["ITA"], uk_born: 0.3 },
    Origin { name: "greek cypriot", weight: 1.0, style: Style::Pooled, pool: Some(&europe::GREEK_CYPRIOT), surnames: europe::GREEK_CYPRIOT.surnames, ethnicity: &[("W5", 1.0)], observed: IC2, countries: &["CYP", "GRC"], uk_born: 0.7 },
];

/// Irish Traveller family names, with English Romany Gypsy ones.
const TRAVELLER: &[&str] = &[
    "Ward", "McDonagh", "Joyce", "Connors", "Maughan", "Delaney", "Stokes", "Cash", "Doran", "McGinley",
    "Price", "Smith", "Lee", "Cooper", "Boswell", "Lovell", "Loveridge", "Buckley", "Doherty", "Quilligan",
];

#[cfg(test)]
mod tests {
    use super::*;

    const CENSUS: &[&str] = &[
        "W1", "W2", "W3", "W4", "W5", "M1", "M2", "M3", "M4", "A1", "A2", "A3", "A4", "A5", "B1", "B2", "B3", "O1", "O2",
    ];

    #[test]
    fn codes_are_from_the_published_lists() {
        for o in ORIGINS {
            assert!(o.weight > 0.0 && !o.surnames.is_empty(), "{}", o.name);
            assert!(o.ethnicity.iter().all(|(c, _)| CENSUS.contains(c)), "{}", o.name);
            assert!(o.observed.iter().all(|(c, _)| c.starts_with("IC") && c.len() == 3), "{}", o.name);
            assert!(o.style == Style::British || o.style == Style::Caribbean || o.style == Style::Mixed || o.pool.is_some(), "{}", o.name);
        }
        assert_eq!(ORIGINS[0].name, "white british");
    }
}

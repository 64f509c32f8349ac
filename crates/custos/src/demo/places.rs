//! London geography: the Metropolitan Police's 12 Basic Command Units (BCUs) and the boroughs they
//! police, and for each borough real postcode districts with their usual locality, post town and
//! approximate centroid. Inward codes are generated to Royal Mail's rules (digit + two letters,
//! never C I K M O V), uniquely per street, so every postcode is well-formed.

use super::sample::{Stream, permute};

/// A borough: its name, its BCU's code and a weight for how many nominals live there (population
/// and recorded crime, inner boroughs higher).
pub(super) const BOROUGHS: &[(&str, &str, f64)] = &[
    ("Tower Hamlets", "CE-BCU", 4.6),
    ("Hackney", "CE-BCU", 4.2),
    ("Camden", "CN-BCU", 3.6),
    ("Islington", "CN-BCU", 3.4),
    ("Lambeth", "CS-BCU", 4.6),
    ("Southwark", "CS-BCU", 4.4),
    ("Westminster", "CW-BCU", 5.0),
    ("Kensington and Chelsea", "CW-BCU", 2.0),
    ("Hammersmith and Fulham", "CW-BCU", 2.4),
    ("Barking and Dagenham", "EA-BCU", 2.8),
    ("Havering", "EA-BCU", 2.6),
    ("Redbridge", "EA-BCU", 3.0),
    ("Enfield", "NA-BCU", 3.6),
    ("Haringey", "NA-BCU", 3.6),
    ("Newham", "NE-BCU", 4.6),
    ("Waltham Forest", "NE-BCU", 3.2),
    ("Barnet", "NW-BCU", 3.6),
    ("Brent", "NW-BCU", 3.8),
    ("Harrow", "NW-BCU", 2.0),
    ("Bexley", "SE-BCU", 2.2),
    ("Greenwich", "SE-BCU", 3.4),
    ("Lewisham", "SE-BCU", 3.4),
    ("Bromley", "SN-BCU", 2.8),
    ("Croydon", "SN-BCU", 4.2),
    ("Sutton", "SN-BCU", 1.8),
    ("Kingston upon Thames", "SW-BCU", 1.6),
    ("Merton", "SW-BCU", 1.8),
    ("Richmond upon Thames", "SW-BCU", 1.4),
    ("Wandsworth", "SW-BCU", 3.0),
    ("Ealing", "WA-BCU", 3.6),
    ("Hillingdon", "WA-BCU", 3.0),
    ("Hounslow", "WA-BCU", 3.0),
];

/// The 12 BCU codes.
pub(super) const BCUS: &[&str] = &[
    "CE-BCU", "CN-BCU", "CS-BCU", "CW-BCU", "EA-BCU", "NA-BCU", "NE-BCU", "NW-BCU", "SE-BCU", "SN-BCU", "SW-BCU",
    "WA-BCU",
];

/// A postcode district: outward code, locality, post town, borough (index into `BOROUGHS`),
/// latitude and longitude of its centre.
#[derive(Debug)]
pub(super) struct District {
    pub outward: &'static str,
    pub locality: &'static str,
    pub town: &'static str,
    pub borough: usize,
    pub lat: f64,
    pub lon: f64,
}

macro_rules! districts {
    ($($outward:literal $locality:literal $town:literal $borough:literal $lat:literal $lon:literal;)+) => {
        &[$(District { outward: $outward, locality: $locality, town: $town, borough: $borough, lat: $lat, lon: $lon }),+]
    };
}

/// Postcode districts by borough (the borough number indexes `BOROUGHS`).
pub(super) const DISTRICTS: &[District] = districts! {
    "E1" "Whitechapel" "London" 0 51.5166 -0.0597; "E1W" "Wapping" "London" 0 51.5065 -0.0590;
    "E2" "Bethnal Green" "London" 0 51.5290 -0.0610; "E3" "Bow" "London" 0 51.5280 -0.0240;
    "E14" "Poplar" "London" 0 51.5080 -0.0180;
    "E5" "Clapton" "London" 1 51.5600 -0.0520; "E8" "Hackney" "London" 1 51.5430 -0.0660;
    "E9" "Homerton" "London" 1 51.5440 -0.0430; "N16" "Stoke Newington" "London" 1 51.5620 -0.0770;
    "NW1" "Camden Town" "London" 2 51.5360 -0.1420; "NW3" "Hampstead" "London" 2 51.5530 -0.1720;
    "NW5" "Kentish Town" "London" 2 51.5530 -0.1410; "WC1X" "King's Cross" "London" 2 51.5270 -0.1170;
    "N1" "Islington" "London" 3 51.5380 -0.0990; "N7" "Holloway" "London" 3 51.5530 -0.1170;
    "N19" "Archway" "London" 3 51.5650 -0.1310; "EC1V" "Finsbury" "London" 3 51.5270 -0.0970;
    "SE11" "Kennington" "London" 4 51.4890 -0.1110; "SW2" "Brixton" "London" 4 51.4490 -0.1200;
    "SW4" "Clapham" "London" 4 51.4620 -0.1380; "SW8" "South Lambeth" "London" 4 51.4760 -0.1280;
    "SW9" "Stockwell" "London" 4 51.4670 -0.1140; "SW16" "Streatham" "London" 4 51.4220 -0.1270;
    "SE27" "West Norwood" "London" 4 51.4310 -0.1040;
    "SE1" "Southwark" "London" 5 51.4990 -0.0930; "SE5" "Camberwell" "London" 5 51.4730 -0.0890;
    "SE15" "Peckham" "London" 5 51.4700 -0.0660; "SE16" "Rotherhithe" "London" 5 51.4960 -0.0520;
    "SE17" "Walworth" "London" 5 51.4870 -0.0930; "SE22" "East Dulwich" "London" 5 51.4520 -0.0700;
    "W2" "Paddington" "London" 6 51.5150 -0.1810; "W9" "Maida Vale" "London" 6 51.5270 -0.1930;
    "NW8" "St John's Wood" "London" 6 51.5320 -0.1700; "SW1V" "Pimlico" "London" 6 51.4900 -0.1400;
    "SW1P" "Westminster" "London" 6 51.4960 -0.1310; "W1D" "Soho" "London" 6 51.5130 -0.1320;
    "W1H" "Marylebone" "London" 6 51.5170 -0.1600; "WC2H" "Covent Garden" "London" 6 51.5130 -0.1260;
    "W10" "North Kensington" "London" 7 51.5210 -0.2140; "W11" "Notting Hill" "London" 7 51.5130 -0.2050;
    "W8" "Kensington" "London" 7 51.5000 -0.1930; "SW5" "Earls Court" "London" 7 51.4900 -0.1910;
    "SW10" "West Brompton" "London" 7 51.4830 -0.1820; "SW3" "Chelsea" "London" 7 51.4900 -0.1660;
    "W6" "Hammersmith" "London" 8 51.4930 -0.2290; "W12" "Shepherd's Bush" "London" 8 51.5080 -0.2350;
    "W14" "West Kensington" "London" 8 51.4960 -0.2090; "SW6" "Fulham" "London" 8 51.4760 -0.2000;
    "IG11" "Barking" "Barking" 9 51.5360 0.0810; "RM8" "Becontree" "Dagenham" 9 51.5550 0.1340;
    "RM9" "Dagenham" "Dagenham" 9 51.5400 0.1390; "RM10" "Dagenham" "Dagenham" 9 51.5470 0.1630;
    "RM1" "Romford" "Romford" 10 51.5790 0.1830; "RM3" "Harold Hill" "Romford" 10 51.6020 0.2360;
    "RM7" "Rush Green" "Romford" 10 51.5740 0.1660; "RM12" "Hornchurch" "Hornchurch" 10 51.5530 0.2180;
    "RM13" "Rainham" "Rainham" 10 51.5200 0.1930;
    "IG1" "Ilford" "Ilford" 11 51.5590 0.0760; "IG2" "Gants Hill" "Ilford" 11 51.5730 0.0820;
    "IG3" "Seven Kings" "Ilford" 11 51.5630 0.1000; "IG6" "Barkingside" "Ilford" 11 51.5900 0.0870;
    "IG8" "Woodford" "Woodford Green" 11 51.6070 0.0350; "E18" "South Woodford" "London" 11 51.5920 0.0260;
    "EN1" "Enfield Town" "Enfield" 12 51.6550 -0.0700; "EN3" "Ponders End" "Enfield" 12 51.6500 -0.0400;
    "N9" "Lower Edmonton" "London" 12 51.6270 -0.0580; "N18" "Upper Edmonton" "London" 12 51.6140 -0.0660;
    "N13" "Palmers Green" "London" 12 51.6170 -0.1050; "N21" "Winchmore Hill" "London" 12 51.6330 -0.1010;
    "N15" "South Tottenham" "London" 13 51.5820 -0.0810; "N17" "Tottenham" "London" 13 51.6000 -0.0690;
    "N22" "Wood Green" "London" 13 51.5970 -0.1100; "N8" "Hornsey" "London" 13 51.5840 -0.1200;
    "N4" "Finsbury Park" "London" 13 51.5690 -0.1050; "N10" "Muswell Hill" "London" 13 51.5920 -0.1430;
    "E6" "East Ham" "London" 14 51.5290 0.0560; "E7" "Forest Gate" "London" 14 51.5480 0.0270;
    "E12" "Manor Park" "London" 14 51.5520 0.0520; "E13" "Plaistow" "London" 14 51.5270 0.0250;
    "E15" "Stratford" "London" 14 51.5420 0.0030; "E16" "Canning Town" "London" 14 51.5100 0.0240;
    "E4" "Chingford" "London" 15 51.6270 -0.0030; "E10" "Leyton" "London" 15 51.5680 -0.0140;
    "E11" "Leytonstone" "London" 15 51.5690 0.0090; "E17" "Walthamstow" "London" 15 51.5840 -0.0200;
    "N2" "East Finchley" "London" 16 51.5890 -0.1650; "N3" "Finchley" "London" 16 51.6010 -0.1940;
    "N12" "North Finchley" "London" 16 51.6140 -0.1760; "NW4" "Hendon" "London" 16 51.5870 -0.2280;
    "NW9" "Colindale" "London" 16 51.5920 -0.2520; "EN5" "Barnet" "Barnet" 16 51.6510 -0.2000;
    "NW10" "Harlesden" "London" 17 51.5410 -0.2410; "HA0" "Wembley" "Wembley" 17 51.5480 -0.2950;
    "HA9" "Wembley Park" "Wembley" 17 51.5590 -0.2840; "NW2" "Cricklewood" "London" 17 51.5610 -0.2190;
    "NW6" "Kilburn" "London" 17 51.5430 -0.1960;
    "HA1" "Harrow" "Harrow" 18 51.5820 -0.3360; "HA2" "South Harrow" "Harrow" 18 51.5730 -0.3570;
    "HA3" "Wealdstone" "Harrow" 18 51.5960 -0.3210; "HA7" "Stanmore" "Stanmore" 18 51.6130 -0.3050;
    "HA8" "Edgware" "Edgware" 18 51.6110 -0.2760;
    "DA1" "Crayford" "Dartford" 19 51.4490 0.1800; "DA5" "Bexley" "Bexley" 19 51.4410 0.1480;
    "DA6" "Bexleyheath" "Bexleyheath" 19 51.4570 0.1400; "DA7" "Barnehurst" "Bexleyheath" 19 51.4650 0.1430;
    "DA8" "Erith" "Erith" 19 51.4810 0.1770; "DA14" "Sidcup" "Sidcup" 19 51.4270 0.1070;
    "DA16" "Welling" "Welling" 19 51.4640 0.1080;
    "SE10" "Greenwich" "London" 20 51.4810 -0.0050; "SE18" "Woolwich" "London" 20 51.4830 0.0700;
    "SE28" "Thamesmead" "London" 20 51.5030 0.1130; "SE2" "Abbey Wood" "London" 20 51.4890 0.1200;
    "SE9" "Eltham" "London" 20 51.4450 0.0550; "SE7" "Charlton" "London" 20 51.4850 0.0350;
    "SE4" "Brockley" "London" 21 51.4610 -0.0350; "SE6" "Catford" "London" 21 51.4380 -0.0180;
    "SE8" "Deptford" "London" 21 51.4780 -0.0280; "SE13" "Lewisham" "London" 21 51.4580 -0.0120;
    "SE14" "New Cross" "London" 21 51.4750 -0.0420; "SE23" "Forest Hill" "London" 21 51.4400 -0.0510;
    "SE26" "Sydenham" "London" 21 51.4280 -0.0530;
    "BR1" "Bromley" "Bromley" 22 51.4070 0.0200; "BR2" "Bromley Common" "Bromley" 22 51.3890 0.0300;
    "BR3" "Beckenham" "Beckenham" 22 51.4060 -0.0300; "BR5" "St Paul's Cray" "Orpington" 22 51.3930 0.1100;
    "BR6" "Orpington" "Orpington" 22 51.3710 0.0980; "SE20" "Penge" "London" 22 51.4120 -0.0580;
    "CR0" "Croydon" "Croydon" 23 51.3750 -0.0920; "CR2" "South Croydon" "South Croydon" 23 51.3520 -0.0860;
    "CR7" "Thornton Heath" "Thornton Heath" 23 51.3980 -0.1040; "CR8" "Purley" "Purley" 23 51.3350 -0.1130;
    "SE25" "South Norwood" "London" 23 51.3970 -0.0730; "SE19" "Upper Norwood" "London" 23 51.4180 -0.0830;
    "SM1" "Sutton" "Sutton" 24 51.3650 -0.1920; "SM2" "Belmont" "Sutton" 24 51.3500 -0.1950;
    "SM3" "Cheam" "Sutton" 24 51.3660 -0.2160; "SM5" "Carshalton" "Carshalton" 24 51.3680 -0.1680;
    "SM6" "Wallington" "Wallington" 24 51.3620 -0.1500;
    "KT1" "Kingston" "Kingston upon Thames" 25 51.4090 -0.2980; "KT2" "Norbiton" "Kingston upon Thames" 25 51.4150 -0.2870;
    "KT3" "New Malden" "New Malden" 25 51.4010 -0.2560; "KT6" "Surbiton" "Surbiton" 25 51.3860 -0.3020;
    "KT9" "Chessington" "Chessington" 25 51.3620 -0.3020;
    "SW19" "Wimbledon" "London" 26 51.4210 -0.2060; "SW20" "Raynes Park" "London" 26 51.4100 -0.2280;
    "CR4" "Mitcham" "Mitcham" 26 51.4030 -0.1620; "SM4" "Morden" "Morden" 26 51.3890 -0.1950;
    "TW1" "Twickenham" "Twickenham" 27 51.4480 -0.3270; "TW2" "Whitton" "Twickenham" 27 51.4460 -0.3540;
    "TW9" "Richmond" "Richmond" 27 51.4660 -0.2970; "TW11" "Teddington" "Teddington" 27 51.4260 -0.3320;
    "SW13" "Barnes" "London" 27 51.4740 -0.2460; "SW14" "Mortlake" "London" 27 51.4660 -0.2660;
    "SW11" "Battersea" "London" 28 51.4660 -0.1640; "SW12" "Balham" "London" 28 51.4460 -0.1500;
    "SW15" "Putney" "London" 28 51.4600 -0.2190; "SW17" "Tooting" "London" 28 51.4290 -0.1660;
    "SW18" "Wandsworth" "London" 28 51.4520 -0.1920;
    "W3" "Acton" "London" 29 51.5100 -0.2670; "W5" "Ealing" "London" 29 51.5130 -0.3040;
    "W7" "Hanwell" "London" 29 51.5100 -0.3370; "W13" "West Ealing" "London" 29 51.5120 -0.3210;
    "UB1" "Southall" "Southall" 29 51.5120 -0.3750; "UB2" "Norwood Green" "Southall" 29 51.4990 -0.3780;
    "UB5" "Northolt" "Northolt" 29 51.5480 -0.3680; "UB6" "Greenford" "Greenford" 29 51.5310 -0.3500;
    "UB3" "Hayes" "Hayes" 30 51.5080 -0.4200; "UB4" "Yeading" "Hayes" 30 51.5250 -0.4050;
    "UB7" "West Drayton" "West Drayton" 30 51.5050 -0.4720; "UB8" "Uxbridge" "Uxbridge" 30 51.5400 -0.4780;
    "UB10" "Hillingdon" "Uxbridge" 30 51.5450 -0.4500; "HA4" "Ruislip" "Ruislip" 30 51.5710 -0.4140;
    "TW3" "Hounslow" "Hounslow" 31 51.4680 -0.3620; "TW4" "Hounslow West" "Hounslow" 31 51.4650 -0.3850;
    "TW5" "Heston" "Hounslow" 31 51.4800 -0.3800; "TW7" "Isleworth" "Isleworth" 31 51.4760 -0.3350;
    "TW8" "Brentford" "Brentford" 31 51.4870 -0.3070; "TW13" "Feltham" "Feltham" 31 51.4450 -0.4100;
    "W4" "Chiswick" "London" 31 51.4920 -0.2620;
};

/// Letters Royal Mail uses in the two letters of an inward code (never C, I, K, M, O or V).
pub(super) const INWARD_LETTERS: &[u8; 20] = b"ABDEFGHJLNPQRSTUWXYZ";

/// The inward code (`9AA`) of postcode unit `unit` in a district. Units are handed out through a
/// keyed permutation of all 4,000 possible codes, so distinct units get distinct codes.
pub(super) fn inward_code(district: usize, unit: u64, key: u64) -> String {
    let v = permute(unit, 4000, key ^ (district as u64).wrapping_mul(0x9E37_79B9));
    let digit = v / 400;
    let first = INWARD_LETTERS[((v / 20) % 20) as usize];
    let second = INWARD_LETTERS[(v % 20) as usize];
    format!("{digit}{}{}", char::from(first), char::from(second))
}

/// Indices of the districts of a borough.
pub(super) fn districts_of(borough: usize) -> impl Iterator<Item = usize> {
    DISTRICTS.iter().enumerate().filter(move |(_, d)| d.borough == borough).map(|(i, _)| i)
}

/// The BCU of a district.
pub(super) fn bcu_of(district: usize) -> &'static str {
    DISTRICTS.get(district).and_then(|d| BOROUGHS.get(d.borough)).map_or("CW-BCU", |b| b.1)
}

/// A small random offset in degrees, for placing streets and houses around a centroid.
pub(super) fn jitter(rng: &mut Stream, scale: f64) -> f64 {
    (super::sample::unit(rng) - 0.5) * 2.0 * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_borough_has_districts_and_a_known_bcu() {
        for (i, (name, bcu, _)) in BOROUGHS.iter().enumerate() {
            assert!(districts_of(i).count() >= 4, "{name}");
            assert!(BCUS.contains(bcu), "{bcu}");
        }
        assert_eq!(BCUS.len(), 12);
        for d in DISTRICTS {
            assert!(d.borough < BOROUGHS.len(), "{}", d.outward);
            assert!((51.25..51.75).contains(&d.lat) && (-0.55..0.35).contains(&d.lon), "{}", d.outward);
        }
        let mut outwards: Vec<&str> = DISTRICTS.iter().map(|d| d.outward).collect();
        outwards.sort_unstable();
        outwards.dedup();
        assert_eq!(outwards.len(), DISTRICTS.len(), "a district is listed twice");
        for needed in ["E1", "E14", "N1", "N17", "SE1", "SE15", "SW2", "SW9", "W2", "NW10", "CR0", "BR1", "HA0", "IG1", "RM1", "TW3", "UB1", "EN1", "KT1", "SM1", "DA1"] {
            assert!(outwards.contains(&needed), "{needed}");
        }
    }

    #[test]
    fn inward_codes_are_distinct_and_well_formed() {
        let mut codes: Vec<String> = (0..4000).map(|u| inward_code(3, u, 99)).collect();
        for c in &codes {
            let b = c.as_bytes();
            assert!(b[0].is_ascii_digit() && INWARD_LETTERS.contains(&b[1]) && INWARD_LETTERS.contains(&b[2]), "{c}");
            assert!(!c.contains(['C', 'I', 'K', 'M', 'O', 'V']), "{c}");
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 4000);
        assert_eq!(bcu_of(0), "CE-BCU");
    }
}

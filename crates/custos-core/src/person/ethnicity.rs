//! Ethnicity: the person's own description (self-defined) and the officer's perception
//! (officer-observed). They answer different questions and are never derived from each other.
//!
//! Self-defined: the 19 ethnic groups of the 2021 Census of England and Wales (ONS; the
//! Government Statistical Service harmonised standard), plus "not stated". Serde uses
//! descriptive snake_case names, which survive a re-numbering; `code()` gives Custos's short code,
//! numbered within each broad group in census order (W1–W5, M1–M4, A1–A5, B1–B3, O1–O2, NS).
//! Note the 2011 "18+1" list lacked Roma: records migrated from 18+1 systems need a mapping table.
//!
//! Officer-observed: the PNC "IC" identity codes IC1–IC6 and IC9 (IC7 and IC8 are not used).

use crate::code_list::code_list;

code_list! {
    /// 2021 Census ethnic group, as stated by the person.
    pub enum SelfDefinedEthnicity ("self-defined ethnicity") {
        WhiteBritish = "white_british" | "W1",
        WhiteIrish = "white_irish" | "W2",
        WhiteGypsyOrIrishTraveller = "white_gypsy_or_irish_traveller" | "W3",
        WhiteRoma = "white_roma" | "W4",
        WhiteOther = "white_other" | "W5",
        MixedWhiteAndBlackCaribbean = "mixed_white_and_black_caribbean" | "M1",
        MixedWhiteAndBlackAfrican = "mixed_white_and_black_african" | "M2",
        MixedWhiteAndAsian = "mixed_white_and_asian" | "M3",
        MixedOther = "mixed_other" | "M4",
        AsianIndian = "asian_indian" | "A1",
        AsianPakistani = "asian_pakistani" | "A2",
        AsianBangladeshi = "asian_bangladeshi" | "A3",
        AsianChinese = "asian_chinese" | "A4",
        AsianOther = "asian_other" | "A5",
        BlackCaribbean = "black_caribbean" | "B1",
        BlackAfrican = "black_african" | "B2",
        BlackOther = "black_other" | "B3",
        OtherArab = "other_arab" | "O1",
        OtherAny = "other_any" | "O2",
        NotStated = "not_stated" | "NS",
    }
}

impl SelfDefinedEthnicity {
    /// The short code (`W1`...`O2`, `NS`).
    pub fn code(self) -> &'static str {
        use SelfDefinedEthnicity::*;
        match self {
            WhiteBritish => "W1",
            WhiteIrish => "W2",
            WhiteGypsyOrIrishTraveller => "W3",
            WhiteRoma => "W4",
            WhiteOther => "W5",
            MixedWhiteAndBlackCaribbean => "M1",
            MixedWhiteAndBlackAfrican => "M2",
            MixedWhiteAndAsian => "M3",
            MixedOther => "M4",
            AsianIndian => "A1",
            AsianPakistani => "A2",
            AsianBangladeshi => "A3",
            AsianChinese => "A4",
            AsianOther => "A5",
            BlackCaribbean => "B1",
            BlackAfrican => "B2",
            BlackOther => "B3",
            OtherArab => "O1",
            OtherAny => "O2",
            NotStated => "NS",
        }
    }
}

code_list! {
    /// The officer's perception of a person's ethnic appearance (PNC IC codes).
    pub enum ObservedEthnicity ("officer-observed ethnicity") {
        WhiteNorthEuropean = "white_north_european" | "IC1",
        WhiteSouthEuropean = "white_south_european" | "IC2",
        Black = "black" | "IC3",
        Asian = "asian" | "IC4",
        ChineseJapaneseOrSouthEastAsian = "chinese_japanese_or_south_east_asian" | "IC5",
        ArabOrNorthAfrican = "arab_or_north_african" | "IC6",
        Unknown = "unknown" | "IC9",
    }
}

impl ObservedEthnicity {
    /// The IC code (`IC1`...`IC6`, `IC9`).
    pub fn code(self) -> &'static str {
        use ObservedEthnicity::*;
        match self {
            WhiteNorthEuropean => "IC1",
            WhiteSouthEuropean => "IC2",
            Black => "IC3",
            Asian => "IC4",
            ChineseJapaneseOrSouthEastAsian => "IC5",
            ArabOrNorthAfrican => "IC6",
            Unknown => "IC9",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nineteen_groups_plus_not_stated() {
        assert_eq!(SelfDefinedEthnicity::ALL.len(), 20);
        for e in SelfDefinedEthnicity::ALL {
            assert_eq!(e.code().parse::<SelfDefinedEthnicity>().unwrap(), *e);
            assert_eq!(e.as_str().parse::<SelfDefinedEthnicity>().unwrap(), *e);
        }
        assert_eq!(
            "w4".parse::<SelfDefinedEthnicity>().unwrap(),
            SelfDefinedEthnicity::WhiteRoma
        );
        assert!("W9".parse::<SelfDefinedEthnicity>().is_err());
        assert_eq!(
            serde_json::to_string(&SelfDefinedEthnicity::OtherArab).unwrap(),
            "\"other_arab\""
        );
    }

    #[test]
    fn ic_codes() {
        assert_eq!(ObservedEthnicity::ALL.len(), 7);
        for e in ObservedEthnicity::ALL {
            assert_eq!(e.code().parse::<ObservedEthnicity>().unwrap(), *e);
        }
        assert_eq!(
            "ic3".parse::<ObservedEthnicity>().unwrap(),
            ObservedEthnicity::Black
        );
        assert!("IC7".parse::<ObservedEthnicity>().is_err());
        assert!("IC8".parse::<ObservedEthnicity>().is_err());
    }
}

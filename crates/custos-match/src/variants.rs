//! Name variants: English diminutives and nicknames (Bill for William, Peggy for Margaret) and
//! common transliteration spellings (Mohammed/Muhammad, Aleksandr/Alexander), as groups of
//! equivalent forenames. Two names that share a group agree at the "variant" comparison level.
//!
//! Method: a curated equivalence table used as an extra comparison level, as recommended by
//! Winkler ("Matching and Record Linkage", 1995: nickname standardisation before string
//! comparison) and Splink's documentation ("Comparing names": a name-variant lookup level above
//! fuzzy similarity). The table was written for this crate from general knowledge of English
//! naming and common romanisations; it is deliberately independent of the demo data generator so
//! that matching quality measured on demo data is not a self-fulfilling test.
//!
//! Besides English, Irish, Scottish and Welsh forms, the table covers names common in London's
//! communities: Yoruba and Igbo full names and their short forms (Tunde for Babatunde), Akan day
//! names in Twi and Fante spellings (Kwaku, Kweku), Arabic, Somali, Turkish and South Asian
//! romanisations (Abdirahman/Abdulrahman, Xasan/Hassan), Punjabi spellings (Jaswinder/Jasvinder),
//! Greek, Slavic, Polish, Spanish and Italian forms and pet names (Yiannis, Dima, Kasia, Paco).
//! A name given as two words ("Abdul Karim") is two tokens and matches per token; the table holds
//! the one-word spelling ("abdulkarim").
//!
//! A name may belong to several groups (Chris: Christopher and Christine; Alex: Alexander and
//! Alexandra); equivalence is "share at least one group". The first name of each group is its id.
//! A short form shared by two different full names (Gaz: Gary and Gareth) is in both groups, so it
//! matches each, while the two full names stay apart. A form from another language is put with
//! the English full name only (Yusuf with Joseph, not with Joe) when the English pet forms would
//! not be used for it.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The table (`variants.txt`): one group per line, names separated by commas, `#` starting a
/// comment line. Kept as data so that it is reviewed as a list, not as code.
const TABLE: &str = include_str!("variants.txt");

/// Groups of equivalent forenames, folded to lower case ASCII; the first of each is the group id.
pub static GROUPS: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
    TABLE
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split(',').map(str::trim).filter(|name| !name.is_empty()).collect())
        .collect()
});

/// For each folded name, the indices of the groups it belongs to.
static INDEX: LazyLock<HashMap<&'static str, Vec<u16>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<u16>> = HashMap::new();
    for (i, group) in GROUPS.iter().enumerate() {
        let id = u16::try_from(i).unwrap_or(u16::MAX);
        for name in group {
            let entry = map.entry(*name).or_default();
            if !entry.contains(&id) {
                entry.push(id);
            }
        }
    }
    map
});

/// The groups a folded name belongs to (empty if it is in none).
pub fn groups(folded: &str) -> &'static [u16] {
    INDEX.get(folded).map_or(&[], Vec::as_slice)
}

/// The group id (the group's first, fullest name) of a folded name, or the name itself if it is in
/// no group. A name in several groups gets its first group's id; use [`equivalent`] for equality.
pub fn canonical(folded: &str) -> &str {
    match groups(folded).first() {
        Some(&g) => GROUPS
            .get(usize::from(g))
            .and_then(|g| g.first())
            .copied()
            .unwrap_or(folded),
        None => folded,
    }
}

/// Whether two folded names share a variant group (or are equal).
pub fn equivalent(a: &str, b: &str) -> bool {
    a == b || share_group(groups(a), groups(b))
}

/// Whether two sorted-or-not group lists intersect (lists are tiny: a linear scan is fastest).
pub fn share_group(a: &[u16], b: &[u16]) -> bool {
    a.iter().any(|g| b.contains(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_large_folded_and_well_formed() {
        // Group ids are u16 in `Token::groups`; a table that outgrew them would silently merge.
        assert!(
            GROUPS.len() < usize::from(u16::MAX),
            "{} groups",
            GROUPS.len()
        );
        assert!(GROUPS.len() >= 600, "{} groups", GROUPS.len());
        let mut seen: Vec<Vec<&str>> = Vec::new();
        for group in GROUPS.iter() {
            assert!(group.len() >= 2, "{group:?} has no variant");
            for (i, name) in group.iter().enumerate() {
                // Every entry must already be in folded form, or it could never be looked up.
                assert_eq!(
                    crate::normalise::fold_token(name),
                    *name,
                    "{name} is not folded"
                );
                assert!(!group[..i].contains(name), "{name} twice in {group:?}");
            }
            let mut sorted = group.to_vec();
            sorted.sort_unstable();
            assert!(!seen.contains(&sorted), "{group:?} is listed twice");
            seen.push(sorted);
        }
    }

    #[test]
    fn equivalences() {
        let yes = [
            ("william", "bill"),
            ("bill", "liam"),
            ("robert", "bob"),
            ("margaret", "peggy"),
            ("elizabeth", "beth"),
            ("liz", "betty"),
            ("mohammed", "muhammad"),
            ("mohamed", "mohammad"),
            ("aleksandr", "alexander"),
            ("ahmed", "ahmad"),
            ("yusuf", "yousef"),
            ("chris", "christopher"),
            ("chris", "christine"),
            ("jack", "john"),
            ("unknownname", "unknownname"),
        ];
        for (a, b) in yes {
            assert!(equivalent(a, b), "{a} ~ {b}");
            assert!(equivalent(b, a), "{b} ~ {a}");
        }
        let no = [
            ("william", "robert"),
            ("christopher", "christine"),
            ("john", "james"),
            ("mary", "margaret"),
            ("unknownname", "othername"),
            ("", "john"),
        ];
        for (a, b) in no {
            assert!(!equivalent(a, b), "{a} !~ {b}");
        }
    }

    /// Pairs that must be equivalent, both ways.
    fn assert_all_equivalent(pairs: &[(&str, &str)]) {
        for &(a, b) in pairs {
            assert!(equivalent(a, b), "{a} ~ {b}");
            assert!(equivalent(b, a), "{b} ~ {a}");
        }
    }

    /// Pairs that must not be equivalent, both ways.
    fn assert_none_equivalent(pairs: &[(&str, &str)]) {
        for &(a, b) in pairs {
            assert!(!equivalent(a, b), "{a} !~ {b}");
            assert!(!equivalent(b, a), "{b} !~ {a}");
        }
    }

    #[test]
    fn british_and_irish_short_forms() {
        assert_all_equivalent(&[
            ("kaz", "karen"),
            ("daz", "darren"),
            ("bex", "rebecca"),
            ("bex", "becky"),
            ("issy", "isabel"),
            ("izzy", "isobel"),
            ("tash", "natasha"),
            ("tasha", "natalie"),
            ("stacey", "anastasia"),
            ("sandy", "sandra"),
            ("lexi", "alexa"),
            ("gaz", "gary"),
            ("gaz", "gareth"),
            ("baz", "barry"),
            ("shaz", "sharon"),
            ("tel", "terry"),
            ("del", "derek"),
            ("fliss", "felicity"),
            ("hattie", "harriet"),
            ("kit", "katherine"),
            ("jo", "josephine"),
            ("jo", "joanna"),
            ("mo", "maureen"),
            ("mo", "morris"),
            ("taff", "david"),
            ("les", "lesley"),
            ("vic", "victoria"),
            ("vic", "victor"),
            ("ieuan", "evan"),
            ("sinead", "jane"),
            ("seonaid", "janet"),
            ("siobhan", "joan"),
            ("eoin", "owen"),
            ("eoin", "john"),
            ("owen", "eugene"),
            ("padraig", "patrick"),
            ("seamus", "james"),
            ("ciaran", "kieran"),
            ("aoife", "eva"),
            ("ruairi", "rory"),
            ("diarmuid", "dermot"),
            ("niall", "neil"),
            ("rhys", "reece"),
            ("huw", "hugh"),
            ("lewis", "louis"),
            ("bev", "beverley"),
            ("lyn", "lynne"),
        ]);
    }

    #[test]
    fn community_names_and_romanisations() {
        assert_all_equivalent(&[
            // Yoruba and Igbo.
            ("tunde", "babatunde"),
            ("tunde", "olatunde"),
            ("sade", "folasade"),
            ("femi", "oluwafemi"),
            ("olufemi", "oluwafemi"),
            ("kemi", "olukemi"),
            ("funmi", "olufunmilayo"),
            ("dayo", "adedayo"),
            ("wale", "olawale"),
            ("tobi", "tobiloba"),
            ("emeka", "chukwuemeka"),
            ("nkechi", "nkechinyere"),
            // Akan.
            ("kwame", "kwami"),
            ("kwaku", "kweku"),
            ("kojo", "kwadwo"),
            ("akua", "ekua"),
            // Arabic, Somali, Turkish, South Asian.
            ("abdikarim", "abdulkarim"),
            ("abdirahman", "abdulrahman"),
            ("abdullahi", "abdullah"),
            ("mohamud", "mahmoud"),
            ("yusuf", "joseph"),
            ("ebrahim", "abraham"),
            ("ismail", "ismael"),
            ("husain", "hosein"),
            ("huseyin", "hussein"),
            ("mustapha", "mostafa"),
            ("aishah", "ayesha"),
            ("khadija", "hatice"),
            ("zainab", "zeynep"),
            ("maryam", "meryem"),
            ("usman", "uthman"),
            ("saeed", "said"),
            ("sayed", "syed"),
            ("jamal", "gamal"),
            ("maxamed", "mohamed"),
            ("cabdi", "abdi"),
            ("xasan", "hassan"),
            ("faadumo", "fatima"),
            ("caasha", "aisha"),
            ("cali", "ali"),
            ("mehmet", "muhammad"),
            ("mehmed", "mehmet"),
            ("jaswinder", "jasvinder"),
            ("jas", "jaspreet"),
            ("sukhi", "sukhwinder"),
            ("bal", "baljit"),
            ("sandeep", "sandip"),
            ("raj", "rajesh"),
            // Greek and Cypriot.
            ("yiorgos", "george"),
            ("giorgos", "georgios"),
            ("yiota", "panagiota"),
            ("takis", "panayiotis"),
            ("kostas", "constantinos"),
            ("dinos", "konstantinos"),
            ("yiannis", "john"),
            ("dimitris", "jim"),
            ("eleni", "helen"),
            // Slavic and Baltic.
            ("dima", "dmytro"),
            ("sasha", "oleksandr"),
            ("sasha", "oleksandra"),
            ("katya", "kateryna"),
            ("misha", "mykhailo"),
            ("kolya", "mykola"),
            ("vova", "volodymyr"),
            ("seryozha", "serhiy"),
            ("tanya", "tetiana"),
            ("olya", "olha"),
            ("ira", "iryna"),
            ("zhenya", "yevhen"),
            ("andriy", "andrew"),
            ("kasia", "katarzyna"),
            ("basia", "barbara"),
            ("kuba", "jakub"),
            ("stas", "stanislaw"),
            ("jurek", "jerzy"),
            ("piotrek", "piotr"),
            ("krzysiek", "krzysztof"),
            ("ania", "anna"),
            ("magda", "magdalena"),
            ("asia", "joanna"),
            ("andrius", "andrew"),
            ("gheorghe", "george"),
            // Spanish, Portuguese, Italian.
            ("pepe", "jose"),
            ("paco", "francisco"),
            ("lola", "dolores"),
            ("nacho", "ignacio"),
            ("quique", "enrique"),
            ("memo", "guillermo"),
            ("beppe", "giuseppe"),
            ("gigi", "luigi"),
            ("joao", "john"),
            ("ze", "jose"),
        ]);
    }

    #[test]
    fn distinct_names_stay_apart() {
        assert_none_equivalent(&[
            ("karen", "kieran"),
            ("darren", "daniel"),
            ("sade", "sadie"),
            ("tunde", "tomas"),
            ("gary", "gareth"),
            ("olatunde", "babatunde"),
            ("maurice", "maureen"),
            ("maurice", "mohammed"),
            ("saeed", "syed"),
            ("guillermo", "mehmet"),
            ("dimitris", "james"),
            ("jaswinder", "jaspreet"),
            ("alexander", "alexandra"),
            ("siobhan", "jane"),
            ("kwame", "kofi"),
            ("akua", "ama"),
            ("yusuf", "joe"),
            ("stanley", "stanislaw"),
            ("memo", "bill"),
            ("ze", "jo"),
            ("owen", "gene"),
            ("juan", "jack"),
        ]);
    }

    #[test]
    fn canonical_ids() {
        assert_eq!(canonical("bill"), "william");
        assert_eq!(canonical("peggy"), "margaret");
        assert_eq!(canonical("muhammad"), "mohammed");
        assert_eq!(canonical("zebedee"), "zebedee");
        assert_eq!(canonical(""), "");
    }
}

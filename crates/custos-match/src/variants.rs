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
//! A name may belong to several groups (Chris: Christopher and Christine; Alex: Alexander and
//! Alexandra); equivalence is "share at least one group". The first name of each group is its id.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Groups of equivalent forenames, folded to lower case ASCII; the first of each is the group id.
pub const GROUPS: &[&[&str]] = &[
    // Men's names and their diminutives.
    &[
        "william", "bill", "billy", "will", "willy", "willie", "liam", "wills",
    ],
    &[
        "robert", "bob", "bobby", "rob", "robbie", "robby", "bert", "rab", "rabbie",
    ],
    &[
        "richard", "dick", "rick", "ricky", "rich", "richie", "dickie", "rico",
    ],
    &[
        "edward", "ed", "eddie", "eddy", "ted", "teddy", "ned", "ward",
    ],
    &["edwin", "ed", "eddie", "win"],
    &["edmund", "ed", "eddie", "ned", "edmond"],
    &[
        "james", "jim", "jimmy", "jamie", "jimbo", "jas", "jem", "seamus", "hamish",
    ],
    &[
        "john", "jack", "johnny", "jonny", "jon", "ian", "iain", "sean", "shaun", "shawn", "evan",
        "jock", "ewan", "euan",
    ],
    &["jonathan", "jon", "jonny", "johnny", "nathan"],
    &["joseph", "joe", "joey", "jo", "jos", "giuseppe", "jose"],
    &["thomas", "tom", "tommy", "thom", "tam"],
    &[
        "michael", "mike", "mick", "micky", "mickey", "mikey", "mich", "mikhail", "michel",
        "micheal",
    ],
    &[
        "christopher",
        "chris",
        "kit",
        "topher",
        "christy",
        "kristopher",
        "cristopher",
    ],
    &[
        "charles", "charlie", "chas", "chuck", "chaz", "carl", "karl", "carlos",
    ],
    &[
        "henry", "harry", "hal", "hank", "hendrik", "henri", "enrique",
    ],
    &["harold", "harry", "hal"],
    &["anthony", "tony", "ant", "antony", "anton", "antonio"],
    &[
        "andrew", "andy", "drew", "andrzej", "andre", "andreas", "andrei", "andrey",
    ],
    &[
        "alexander",
        "alex",
        "alec",
        "alick",
        "sandy",
        "xander",
        "alasdair",
        "alistair",
        "alastair",
        "aleksandr",
        "alexandr",
        "aleksander",
        "oleksandr",
        "sasha",
        "alessandro",
        "alejandro",
        "iskander",
    ],
    &["benjamin", "ben", "benny", "benji", "benjy"],
    &["daniel", "dan", "danny", "dani", "danyal", "daniyal"],
    &[
        "david", "dave", "davey", "davy", "dai", "taffy", "dawid", "davide",
    ],
    &[
        "matthew", "matt", "matty", "mat", "mathew", "matthias", "mateusz",
    ],
    &[
        "nicholas", "nick", "nicky", "nico", "nicolas", "nikolai", "nikolay", "mykola", "klaus",
        "colin",
    ],
    &["patrick", "pat", "paddy", "patsy", "padraig"],
    &[
        "peter", "pete", "piotr", "pierre", "pedro", "pietro", "petr", "pyotr",
    ],
    &["philip", "phil", "pip", "phillip", "filip", "felipe"],
    &["samuel", "sam", "sammy"],
    &[
        "stephen", "steve", "steven", "stevie", "steph", "stefan", "stephan", "esteban",
    ],
    &["timothy", "tim", "timmy"],
    &["walter", "walt", "wally"],
    &["albert", "al", "bert", "bertie", "alby"],
    &["alfred", "alf", "alfie", "fred", "freddie"],
    &[
        "frederick",
        "fred",
        "freddie",
        "freddy",
        "fritz",
        "frederic",
        "fredrick",
    ],
    &[
        "francis",
        "frank",
        "frankie",
        "fran",
        "franny",
        "francesco",
        "francisco",
        "franz",
    ],
    &[
        "lawrence", "larry", "laurie", "lawrie", "laurence", "lorenzo",
    ],
    &["leonard", "len", "lenny", "leo", "leon"],
    &["raymond", "ray"],
    &["ronald", "ron", "ronnie", "ronny"],
    &["donald", "don", "donny", "donnie"],
    &["kenneth", "ken", "kenny"],
    &["gerald", "gerry", "jerry", "ged"],
    &["gerard", "gerry", "ged", "gerrard"],
    &["jeremy", "jerry", "jez"],
    &["geoffrey", "geoff", "jeff", "jeffrey", "jeffery"],
    &["gregory", "greg", "gregor", "grigory"],
    &["douglas", "doug", "dougie"],
    &["terence", "terry", "tel", "terrence"],
    &["vincent", "vince", "vinny", "vin"],
    &["victor", "vic"],
    &["nathaniel", "nat", "nate", "nathan"],
    &["zachary", "zach", "zack", "zak"],
    &["joshua", "josh"],
    &["jacob", "jake", "jakub", "yakov"],
    &["isaac", "ike", "izzy", "ishaq"],
    &["abraham", "abe", "ibrahim", "avraham"],
    &["solomon", "sol", "sulaiman", "suleiman", "sulayman"],
    &["oliver", "ollie", "olly", "noll"],
    &["archibald", "archie", "archy"],
    &["augustus", "gus", "gussie"],
    &["angus", "gus"],
    &["bernard", "bernie", "barney"],
    &["cornelius", "neil", "con"],
    &["cuthbert", "bert"],
    &["desmond", "des"],
    &["dominic", "dom", "dominik"],
    &["ernest", "ernie"],
    &["eugene", "gene"],
    &["ferdinand", "ferdie"],
    &["gilbert", "gil", "bert"],
    &["herbert", "herb", "bert"],
    &["hubert", "bert"],
    &["hugh", "hughie", "hugo"],
    &["jeremiah", "jerry"],
    &["kevin", "kev"],
    &["leslie", "les"],
    &["malcolm", "mal"],
    &["martin", "marty", "mart"],
    &["maximilian", "max"],
    &["maxwell", "max"],
    &["mervyn", "merv", "mervin"],
    &["montague", "monty"],
    &["mortimer", "mort", "morty"],
    &["neville", "nev"],
    &["norman", "norm"],
    &["percival", "percy"],
    &["randolph", "randy", "randall", "rand"],
    &["reginald", "reg", "reggie", "rex"],
    &["roger", "rodge"],
    &["rodney", "rod", "roddy"],
    &["roderick", "rod", "roddy", "rory"],
    &["ruben", "reuben", "rube"],
    &["russell", "russ"],
    &["sebastian", "seb", "bastian"],
    &["sidney", "sid", "sydney"],
    &["simon", "si", "sim", "shimon"],
    &["stanley", "stan"],
    &["stuart", "stu", "stewart"],
    &["theodore", "theo", "ted", "teddy"],
    &["tobias", "toby"],
    &["trevor", "trev"],
    &["wilfred", "wilf", "fred"],
    &["clifford", "cliff"],
    &["clement", "clem"],
    &["derek", "del", "derrick"],
    &["dennis", "den", "denny", "denis"],
    &["eliot", "elliot", "elliott", "eli"],
    &["elijah", "eli", "ilyas", "elias", "ilya"],
    &["gabriel", "gabe", "gabby", "jibril"],
    &[
        "george", "georgie", "geordie", "jorge", "georg", "giorgio", "yuri", "jerzy",
    ],
    &["luke", "lucas", "luca", "lukas", "lukasz"],
    &["mark", "marc", "marco", "marcus", "markus", "marek"],
    &[
        "paul", "pauly", "paulie", "pablo", "pavel", "pawel", "paolo",
    ],
    &[
        "mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad", "mohammod",
        "mahomed", "mehmet", "mo", "moe", "mohd", "md",
    ],
    &["ahmed", "ahmad", "ahmet", "ahmid"],
    &[
        "yusuf", "yousef", "yousuf", "yusef", "youssef", "yosef", "josef",
    ],
    &["ali", "aly"],
    &["hussein", "hussain", "husain", "husein", "hossein"],
    &["hassan", "hasan"],
    &["abdul", "abdel", "abdal", "abdool"],
    &["omar", "umar", "omer"],
    &["osman", "uthman", "othman", "usman"],
    &["mustafa", "mustapha", "moustafa", "mostafa"],
    &["khalid", "khaled"],
    &["tariq", "tarik", "tareq"],
    &["rashid", "rasheed", "rashed"],
    &["hamza", "hamzah"],
    &["karim", "kareem"],
    &["mahmoud", "mahmud", "mehmood", "mahmood"],
    &["abdullah", "abdulla", "abdallah"],
    &["mikhail", "mikail", "mihail"],
    &["sergei", "sergey", "serhiy", "sergiy"],
    &["dmitri", "dmitry", "dimitri", "dmytro"],
    &["vladimir", "volodymyr", "vlad", "volodya"],
    &["yevgeny", "evgeny", "yevgeniy", "evgeni", "eugene"],
    &["konstantin", "constantine", "kostya"],
    &["ivan", "iwan", "ivo", "vanya"],
    &["wojciech", "voytek", "wojtek"],
    &["krzysztof", "krzys", "christopher"],
    &["tomasz", "thomas", "tomek"],
    &["grzegorz", "gregory", "grzes"],
    &["szymon", "simon"],
    &["jan", "john", "janek"],
    &["chukwuemeka", "emeka"],
    &["oluwaseun", "seun"],
    &["olusegun", "segun"],
    &["oluwatobi", "tobi"],
    // Women's names and their diminutives.
    &[
        "elizabeth",
        "beth",
        "liz",
        "lizzie",
        "lizzy",
        "eliza",
        "liza",
        "betty",
        "bet",
        "betsy",
        "bess",
        "bessie",
        "libby",
        "lisa",
        "elspeth",
        "elisabeth",
        "ellie",
        "elsie",
        "isabel",
    ],
    &[
        "margaret", "maggie", "meg", "megan", "peggy", "peg", "marge", "margie", "madge", "greta",
        "rita", "maisie", "mags", "margo", "margot",
    ],
    &[
        "catherine",
        "cath",
        "cathy",
        "kate",
        "katie",
        "kathy",
        "kay",
        "kit",
        "kitty",
        "katherine",
        "kathryn",
        "kathleen",
        "caitlin",
        "katharine",
        "catriona",
        "ekaterina",
        "yekaterina",
        "katya",
        "karen",
    ],
    &[
        "mary", "molly", "polly", "mae", "may", "mamie", "maria", "marie", "mairi", "maura",
        "moira", "maureen", "miriam", "maryam", "mariam", "mariya",
    ],
    &[
        "ann", "anne", "anna", "annie", "nan", "nancy", "nanette", "anya", "hannah", "nina",
    ],
    &[
        "susan", "sue", "susie", "suzy", "suzanne", "susannah", "susanna", "suzie", "sukie",
    ],
    &["sarah", "sara", "sally", "sadie", "sal", "zara"],
    &[
        "patricia", "pat", "patty", "patsy", "tricia", "trish", "trisha",
    ],
    &["jennifer", "jen", "jenny", "jenna", "jennie"],
    &["rebecca", "becky", "becca", "bec", "rebekah"],
    &["victoria", "vicky", "vicki", "tori", "vikki", "viktoria"],
    &[
        "christine",
        "chris",
        "chrissie",
        "christina",
        "kirsty",
        "kirsten",
        "tina",
        "kristina",
        "kristen",
    ],
    &[
        "alexandra",
        "alex",
        "alexa",
        "lexi",
        "sandra",
        "sandy",
        "sasha",
        "alessandra",
        "aleksandra",
        "ola",
    ],
    &["samantha", "sam", "sammy", "sammie"],
    &["deborah", "debbie", "deb", "debby", "debra"],
    &["dorothy", "dot", "dottie", "dolly", "dora", "dorothea"],
    &[
        "eleanor", "ellie", "nell", "nellie", "elle", "elinor", "eleanore", "leonora", "nora",
    ],
    &[
        "helen", "helena", "nell", "nellie", "elena", "ellen", "olena", "lena",
    ],
    &[
        "frances",
        "fran",
        "frankie",
        "fanny",
        "francesca",
        "franziska",
    ],
    &["jacqueline", "jackie", "jacqui", "jacky"],
    &["josephine", "jo", "josie", "fifi"],
    &["joanne", "jo", "joanna", "joan", "joann"],
    &["judith", "judy", "jude", "judi"],
    &["kimberley", "kim", "kimberly"],
    &["lucy", "lucille", "lucia", "lu", "luce"],
    &["madeleine", "maddy", "maddie", "madeline", "madelyn"],
    &["matilda", "tilly", "tillie", "mattie", "maud"],
    &["pamela", "pam", "pammy"],
    &["penelope", "penny", "pen"],
    &["rosemary", "rose", "rosie", "romy"],
    &[
        "theresa", "teresa", "tess", "tessa", "terri", "tracy", "tracey",
    ],
    &["valerie", "val"],
    &["virginia", "ginny", "ginger"],
    &["wilhelmina", "mina", "willa", "minnie"],
    &["abigail", "abby", "abbie", "gail"],
    &["amanda", "mandy", "manda"],
    &["barbara", "barb", "barbie", "babs"],
    &["caroline", "carol", "carrie", "carolyn", "lina"],
    &["charlotte", "charlie", "lottie", "lotte", "carlotta"],
    &["cynthia", "cindy"],
    &["diana", "di", "diane", "dianne"],
    &["evelyn", "evie", "eve", "eva"],
    &["florence", "flo", "florrie", "flossie"],
    &["gillian", "gill", "jill", "gilly", "jillian"],
    &["gwendolyn", "gwen", "wendy"],
    &["harriet", "hattie", "harry"],
    &[
        "isabella", "bella", "izzy", "isabel", "isobel", "ishbel", "belle",
    ],
    &["janet", "jan", "jenny", "janette"],
    &["jane", "janie", "jean", "jeanie", "sheena", "jayne", "joan"],
    &["jessica", "jess", "jessie"],
    &["louise", "lou", "louisa", "lulu", "luisa"],
    &["lillian", "lily", "lil", "lilly"],
    &["natalie", "nat", "natalia", "natasha", "tasha", "natalya"],
    &["olivia", "liv", "livvy", "ollie"],
    &["phyllis", "phyl"],
    &["prudence", "prue", "pru"],
    &["roberta", "bobbie", "robbie", "bobby"],
    &["ruth", "ruthie"],
    &["sophia", "sophie", "sofia", "sophy", "sofiya"],
    &["stephanie", "steph", "stevie", "stefanie"],
    &["wendy", "gwendolen"],
    &["winifred", "winnie", "freda"],
    &["angela", "angie", "ange"],
    &["antonia", "toni", "tonia"],
    &["beatrice", "bea", "trixie", "beatrix"],
    &["bernadette", "bernie", "detta"],
    &["bridget", "biddy", "bridie", "brigid", "bridgette"],
    &["clare", "claire", "clara"],
    &["constance", "connie"],
    &["danielle", "dani", "daniela", "danni"],
    &["edith", "edie", "edy"],
    &["emily", "em", "emmy", "emilia", "millie"],
    &["emma", "em", "emmy"],
    &["georgina", "georgie", "gina"],
    &["geraldine", "gerry", "geri"],
    &["gertrude", "gertie", "trudy"],
    &["henrietta", "hetty", "etta", "henny"],
    &["irene", "rene", "renee"],
    &["kathleen", "kath", "kathy"],
    &["laura", "laurie", "lori"],
    &["leonie", "leona"],
    &["lorraine", "lori", "rainey"],
    &["mildred", "millie", "milly"],
    &["nicola", "nicky", "nikki", "nicole", "niki"],
    &["priscilla", "cilla", "prissy"],
    &["veronica", "ronnie", "vera"],
    &["yvonne", "vonnie"],
    &["fatima", "fatimah", "fatma", "fatema"],
    &["aisha", "ayesha", "aysha", "aicha", "ayisha"],
    &["khadija", "khadijah", "hatice"],
    &["zainab", "zaynab", "zeinab"],
    &["tatiana", "tatyana", "tanya", "tania"],
    &["svetlana", "sveta"],
    &["olga", "olya"],
    &["yulia", "julia", "yuliya", "iuliia", "julie", "jules"],
    &["agnieszka", "agnes", "aga"],
    &["malgorzata", "margaret", "gosia"],
    &["katarzyna", "kasia", "catherine"],
];

/// For each folded name, the indices of the groups it belongs to.
static INDEX: LazyLock<HashMap<&'static str, Vec<u16>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<u16>> = HashMap::new();
    for (i, group) in GROUPS.iter().enumerate() {
        let id = u16::try_from(i).unwrap_or(u16::MAX);
        for name in *group {
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
        assert!(GROUPS.len() >= 150, "{} groups", GROUPS.len());
        for group in GROUPS {
            assert!(group.len() >= 2, "{group:?} has no variant");
            for name in *group {
                // Every entry must already be in folded form, or it could never be looked up.
                assert_eq!(
                    crate::normalise::fold_token(name),
                    *name,
                    "{name} is not folded"
                );
            }
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

    #[test]
    fn canonical_ids() {
        assert_eq!(canonical("bill"), "william");
        assert_eq!(canonical("peggy"), "margaret");
        assert_eq!(canonical("muhammad"), "mohammed");
        assert_eq!(canonical("zebedee"), "zebedee");
        assert_eq!(canonical(""), "");
    }
}

//! Surnames of British and Irish origin, most common first (the order follows the frequency
//! rankings published from the electoral roll and census for England and Wales; weights are
//! Zipf-like by rank). Surnames of other heritages live with their forenames in `world.rs`.

/// English, Welsh and Scottish surnames, roughly in descending frequency.
pub(super) const BRITISH: &[&str] = &[
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott",
    "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell",
    "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller",
    "Cox", "Richards", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster",
    "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Hunt", "Campbell", "Matthews", "Owen",
    "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher",
    "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson", "Reynolds", "Stewart", "Fox",
    "Gibson", "Lawrence", "Andrews", "Wells", "Kennedy", "Ross", "Hamilton", "Saunders", "Payne", "Ford",
    "Hudson", "Hunter", "Rose", "Spencer", "Robertson", "Grant", "Hayes", "Berry", "Walsh", "Stone",
    "Gardner", "Chambers", "Pearce", "Reid", "Johnston", "Cole", "Lawson", "Burton", "Fletcher",
    "Holland", "Bradley", "Dean", "Gordon", "Porter", "Watts", "Hart", "Elliott", "Day", "Riley",
    "Williamson", "Armstrong", "Sutton", "Barrett", "Lane", "Hodgson", "Perry", "Booth", "Hopkins",
    "Hawkins", "Hammond", "Francis", "Newman", "Moss", "Webster", "Burns", "Oliver", "Holt", "Lambert",
    "Sanders", "Dawson", "Bates", "Rowe", "Jordan", "Kirk", "Read", "Dunn", "Hancock", "Blake", "Bird",
    "Fraser", "Lamb", "Atkinson", "Cunningham", "Holden", "Page", "Shepherd", "Fuller", "Norris", "Long",
    "Barber", "Parsons", "Sharp", "Hicks", "Slater", "West", "Harding", "Tucker", "Nicholson",
    "Charlton", "Howard", "Heath", "Newton", "Bishop", "Frost", "Sims", "Howell", "Bryant", "Warren",
    "Nash", "Dale", "Cross", "Alexander", "Gilbert", "Nelson", "Cameron", "Wallace", "Little", "Morton",
    "Osborne", "Kemp", "Tomlinson", "Banks", "Parry", "Pritchard", "Pope", "Lowe", "Stephenson",
    "Cartwright", "Finch", "Vincent", "Sullivan", "Whitehead", "Fleming", "Abbott", "Barlow", "Davidson",
    "Steele", "Marsh", "Glover", "Conway", "Bolton", "Hussey", "Potter", "Stanley", "Field", "Naylor",
    "Wheeler", "Walters", "Pugh", "Goodwin", "Hobbs", "Woods", "Lynch", "Hale", "Schofield", "Norton",
    "Burke", "Gill", "Dodd", "Garner", "Hewitt", "Hutchinson", "Mann", "Wade", "Higgins", "Waters",
    "Jarvis", "Sheppard", "Rhodes", "Bull", "Coleman", "Middleton", "Hayward", "Gough", "Henderson",
    "Douglas", "Brooks", "Ball", "Rees", "Kerr", "Weston", "Lucas", "Morrison", "Short", "Duncan",
    "Sinclair", "Bowen", "Austin", "Rowley", "Pickering", "Humphreys", "Archer", "Bowden", "Gregory",
    "Griffin", "Greenwood", "Atkins", "Dyer", "Wilkins", "Connolly", "Brennan", "Hurst", "Dobson",
    "Thornton", "Quinn", "Randall", "Jennings", "Rowlands", "Benson", "Peters", "Mellor", "Yates",
    "Preston", "Kirby", "Howe", "Lord", "Nixon", "Parkinson", "Harper", "Chandler", "Farrell", "Buckley",
    "Brooke", "Ashton", "Briggs", "Doyle", "Whittaker", "Haynes", "Macdonald", "McDonald", "McKenzie",
    "MacLeod", "McLean", "Mackay", "McIntyre", "McGregor", "McCann", "McKay", "MacKinnon", "McAllister",
    "McBride", "McLaughlin", "Sweeney", "Mahoney", "Moran", "Byrne", "Hardy", "Lyons", "Whitaker",
    "Talbot", "Bentley", "Gale", "Tyler", "Fowler", "Carr", "Ingram", "Kent", "Poole", "Sykes",
    "Stevenson", "Leach", "Reeves", "Savage", "Clayton", "Swift", "Owens", "Pratt", "Bray", "Curtis",
    "Sharpe", "Emery", "Gibbs", "Hanson", "Metcalfe", "Nicholls", "Hooper", "Howarth", "Hyde", "Morley",
    "Baxter", "Rayner", "Forster", "Stokes", "Waller", "Brady", "Horton", "Rutherford", "Bond", "Barton",
    "Hargreaves", "Sanderson", "Woodward", "Lees", "Knowles", "Hanley", "Gould", "Bruce", "Storey",
    "Vaughan", "Hodges", "Moody", "Nolan", "Gallagher", "Rushton", "Godfrey", "Dennis", "Whitehouse",
    "Fitzgerald", "Seymour", "Chadwick", "Rogerson", "Leigh", "Cooke", "Clements", "Denton", "Wyatt",
    "Crawford", "Booker", "Morrow", "Pollard", "Hobson", "Summers", "Baldwin", "Cottrell", "Hardman",
    "Beattie", "Skinner", "Lockwood", "Wall", "Tait", "Marsden", "Blackburn", "Winter", "Chamberlain",
    "Whiteley", "Collier", "Holloway", "Haywood", "Clifford", "Daniels", "Farmer", "Thorpe", "Boyle",
    "Kay", "Hodge", "Whitfield", "Noble", "Pike", "Dickinson", "Milner", "Tanner", "Sherwood",
    "Gardiner", "Harrington", "Cowan", "Moon", "Fenton", "Doherty", "Ryder", "Lister", "Mosley",
    "Hampton", "Kendall", "Coates", "Lindsay", "Carey", "Paterson", "Whyte", "Greene", "Browne", "Reed",
    "Grey", "Thomson", "Matthew", "Watkins", "Randle", "Goddard", "Burrows", "Rawlings", "Lambourne",
    "Ashby", "Ferguson", "Buchanan", "Welch", "Jeffery", "Jeffries", "Gibbons", "Mayer", "Eaton",
    "Dunne", "Nightingale", "Sparks", "Fry", "Eastwood", "Hamer", "Pryce", "Llewellyn", "Vaughan-Jones",
    "Bowers", "Mather", "Hinds", "Bolt", "Cobb", "Gunn", "Drake", "Dolan", "Fielding", "Hurley", "Lacey",
    "Newell", "Rigby", "Stanton", "Sherratt", "Tate", "Upton", "Vickers", "Walton", "Weaver", "Whitley",
    "Wiggins", "Wilde", "Winstanley", "Worrall", "Wren", "Yeo", "Ainsworth", "Ambrose", "Appleby",
    "Astley", "Bagley", "Barnett", "Bateman", "Beckett", "Bellamy", "Blackwell", "Bloomfield", "Bourne",
    "Bradshaw", "Bramley", "Brewer", "Bridges", "Broadhurst", "Bromley", "Buckingham", "Bunting",
    "Burgess", "Bushell", "Calvert", "Carpenter", "Causer", "Challis", "Chaplin", "Cheshire", "Chivers",
    "Churchill", "Clegg", "Coombes", "Cope", "Corbett", "Cotton", "Crane", "Crook", "Crowther", "Dalton",
    "Darby", "Davey", "Devlin", "Dickens", "Dodds", "Dowling", "Duffy", "Durrant", "Dutton", "Eccles",
    "Emerson", "Everett", "Fairclough", "Farrow", "Faulkner", "Fenwick", "Firth", "Flynn", "Forbes",
    "Fortune", "Fulton", "Garrett", "Gee", "Gilmore", "Goodall", "Gosling", "Gower", "Greaves", "Hadley",
    "Halliday", "Harman", "Hartley", "Hastings", "Hawes", "Heap", "Hedges", "Henry", "Hewson",
    "Hill-Wood", "Hollis", "Hoskins", "Hough", "Hulme", "Ibbotson", "Irving", "Jacobs", "Jewell", "Keen",
    "Kelsall", "Kershaw", "Kitchen", "Lacy", "Larkin", "Leonard", "Lever", "Linley", "Lovell", "Lunt",
    "Maddox", "Malone", "Marriott", "Maxwell", "Meadows", "Merritt", "Molloy", "Moorhouse", "Munro",
    "Nutt", "Ogden", "Oakley", "Padgett", "Parkes", "Peacock", "Pemberton", "Penny", "Platt", "Pollock",
    "Proctor", "Quigley", "Radford", "Ramsey", "Ratcliffe", "Redfern", "Rigg", "Rix", "Roper", "Royle",
    "Salt", "Sargent", "Scully", "Sewell", "Sheldon", "Shields", "Shore", "Simmonds", "Smallwood",
    "Spence", "Stafford", "Starr", "Stott", "Swann", "Swinburne", "Tennant", "Thackeray", "Tilley",
    "Todd", "Townsend", "Tranter", "Trueman", "Tuck", "Underwood", "Varley", "Wainwright", "Wakefield",
    "Walmsley", "Ware", "Warner", "Whiting", "Whitmore", "Wild", "Willis", "Wiseman", "Woodcock",
    "Woolley", "Wragg", "Yardley", "St John", "De Souza", "Le Roux", "Smyth", "Smythe", "Jeffreys",
    "Phillipps", "Ap Rhys", "Pryor",
];

/// Irish surnames (and Irish Traveller family names, which come last).
pub(super) const IRISH: &[&str] = &[
    "Murphy", "Kelly", "O'Sullivan", "Walsh", "Byrne", "Ryan", "O'Brien", "O'Connor", "O'Neill", "Doyle",
    "McCarthy", "Gallagher", "Doherty", "Kennedy", "Lynch", "Murray", "Quinn", "Moore", "McLoughlin",
    "Carroll", "Connolly", "Daly", "O'Connell", "Brennan", "Burke", "Collins", "Farrell", "Fitzgerald",
    "Maguire", "Nolan", "Flynn", "Callaghan", "O'Donnell", "Duffy", "O'Mahony", "Boyle", "Healy", "O'Shea",
    "Whelan", "Sheehan", "Power", "Kavanagh", "McGrath", "Dunne", "Hegarty", "Keane", "O'Reilly", "Reilly",
    "Fogarty", "Gorman", "Hennessy", "Kearney", "Mulligan", "O'Rourke", "Devlin", "Mc Cormack", "McGuinness",
    "Ward", "McDonagh", "Joyce", "Connors", "Maughan", "Delaney", "Stokes", "Cash", "Doran", "McGinley",
];

/// Surnames more common among Black Caribbean families (mostly British surnames).
pub(super) const CARIBBEAN: &[&str] = &[
    "Campbell", "Williams", "Brown", "Grant", "Clarke", "Thompson", "Francis", "Henry", "Reid", "Gordon",
    "Morgan", "Lewis", "Bailey", "Johnson", "Samuels", "Christie", "Bennett", "Forbes", "Barrett",
    "Edwards", "McKenzie", "Daley", "Ellis", "Joseph", "Charles", "Pierre", "Richards", "Phillips",
    "Walters", "Graham", "Stewart", "Hylton", "Bryan", "Blackwood", "Douglas", "Simpson", "Wright",
    "Anderson", "Powell", "Robinson", "Gayle", "Facey", "Hinds", "Nembhard", "Ricketts", "Lindo",
    "Beckford", "Spence", "McFarlane", "Brissett", "Chambers", "Morrison", "Mullings", "Wynter",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_large_and_clean() {
        assert!(BRITISH.len() >= 600, "{}", BRITISH.len());
        for name in BRITISH.iter().chain(IRISH).chain(CARIBBEAN) {
            assert!(!name.is_empty() && name.trim() == *name, "{name:?}");
            assert!(name.chars().next().is_some_and(char::is_uppercase), "{name:?}");
        }
        assert_eq!(BRITISH[0], "Smith");
        for table in [BRITISH, IRISH, CARIBBEAN] {
            let mut sorted = table.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), table.len(), "a surname is listed twice");
        }
    }
}

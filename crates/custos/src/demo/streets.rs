//! Street names, block names and the names of shops, pubs and other premises. A street is
//! identified by a slot number within its district; slots map one-to-one onto (name, suffix)
//! pairs, so two streets of one district never share a name, and a street's postcode units are
//! derived from the same slot. Suffixes are weighted by giving common ones (Road, Street) more
//! base names to pair with.

use super::sample::permute;

/// The first word(s) of street names: trees, places, people, landmarks.
pub(super) const BASES: &[&str] = &[
    "High", "Church", "Station", "Park", "Victoria", "Albert", "Queen's", "King's", "Mill", "Manor",
    "Grove", "Elm", "Oak", "Cedar", "Beech", "Ash", "Willow", "Chestnut", "Holly", "Maple", "Lime",
    "Hawthorn", "Rosebery", "Stanley", "Cambridge", "Oxford", "York", "Clarence", "Windsor", "Warwick",
    "Gloucester", "Cromwell", "Nelson", "Wellington", "Trafalgar", "Waterloo", "Kingsley", "Milton",
    "Shakespeare", "Dickens", "Chaucer", "Tennyson", "Byron", "Keats", "Shelley", "Wordsworth", "Gladstone",
    "Palmerston", "Disraeli", "Peel", "Baker", "Market", "Bridge", "North", "South", "East", "West", "New",
    "Green", "London", "Brighton", "Hamilton", "Howard", "Russell", "Bedford", "Devonshire", "Cavendish",
    "Grosvenor", "Portland", "Richmond", "Lansdowne", "Montague", "Salisbury", "Percy", "Sutherland",
    "Coldharbour", "Springfield", "Fairfield", "Highfield", "Westfield", "Northfield", "Brookfield",
    "Mayfield", "Greenfield", "Woodland", "Meadow", "Orchard", "Forest", "Hillside", "Riverside",
    "Lakeside", "Parkside", "Heathfield", "Ashford", "Bramley", "Buckingham", "Burlington", "Carlton",
    "Chatsworth", "Chester", "Clifton", "Connaught", "Coronation", "Cranbrook", "Crown", "Denmark", "Derby",
    "Dorset", "Dover", "Dudley", "Durham", "Eastfield", "Egerton", "Essex", "Exeter", "Falcon", "Fountain",
    "Garden", "George", "Granville", "Hanover", "Harcourt", "Harrow", "Hartington", "Haverstock",
    "Hereford", "Hertford", "Holland", "Hope", "Hyde", "Jubilee", "Kent", "Kenilworth", "Lancaster",
    "Leicester", "Lincoln", "Lonsdale", "Lorne", "Marlborough", "Melbourne", "Middleton", "Milford",
    "Minster", "Moreton", "Mortimer", "Napier", "Newport", "Norfolk", "Northumberland", "Norwood",
    "Osborne", "Paxton", "Pembroke", "Prince's", "Priory", "Prospect", "Raleigh", "Ravenscourt", "Regent",
    "Ripley", "Rochester", "Rutland", "St Mary's", "St John's", "St Paul's", "St Peter's", "St James's",
    "St Anne's", "Sandringham", "Seymour", "Sheldon", "Somerset", "Southgate", "Spencer", "Stafford",
    "Stamford", "Stratford", "Suffolk", "Surrey", "Sussex", "Talbot", "Tavistock", "Temple", "Thornton",
    "Tower", "Trinity", "Union", "Vicarage", "Walpole", "Warren", "Waverley", "Wentworth", "Westbourne",
    "Westmorland", "Whitehall", "Wilton", "Winchester", "Woodstock", "Worcester", "Abbey", "Acacia",
    "Addison", "Alexandra", "Alma", "Arundel", "Avenue", "Balmoral", "Barnsbury", "Beaconsfield",
    "Beaufort", "Belgrave", "Belmont", "Berkeley", "Beresford", "Blenheim", "Boundary", "Bower", "Bowes",
    "Brunswick", "Canterbury", "Castle", "Chapel", "Chelsea", "Claremont", "Cleveland", "College",
    "Commercial", "Cooper's", "Cornwall", "Cumberland", "Dale", "Dartmouth", "Elgin", "Ellesmere",
    "Empress", "Fairview", "Ferndale", "Fernhill", "Gordon", "Grange", "Grafton", "Hamlet", "Harley",
    "Heath", "Heathcote", "Hermitage", "Heron", "Hill", "Hillcrest", "Home", "Ivy", "Kingswood", "Laburnum",
    "Lea", "Leopold", "Linden", "Lodge", "Lyndhurst", "Magdalen", "Malvern", "Mansfield", "Marsh", "Merton",
    "Mount", "Myrtle", "Newton", "Nightingale", "Oakwood", "Old", "Palace", "Paradise", "Pelham", "Pine",
    "Pond", "Poplar", "Pretoria", "Primrose", "Queensway", "Railway", "Rectory", "Red Lion", "Ridgeway",
    "Rose", "Rowan", "Royal", "Rusholme", "School", "Selborne", "Shaftesbury", "Sherwood", "Shrewsbury",
    "Silver", "Southwood", "Sovereign", "Spring", "Stanhope", "Stoneleigh", "Summerhill", "Sunnyside",
    "Sycamore", "Sydney", "Thames", "Tudor", "Upper", "Vale", "Valley", "Vernon", "Vine", "Walnut", "Water",
    "Well", "Wharf", "White Hart", "Whitfield", "Wickham", "William", "Wilmot", "Windmill", "Woodside",
    "Wyndham", "Yew", "Adelaide", "Arlington", "Ashburton", "Barrington", "Bathurst", "Bellevue",
    "Bishop's", "Blackstock", "Bloomfield", "Brackenbury", "Bramble", "Brockley", "Cadogan", "Caledonian",
    "Camden", "Carlisle", "Cecil", "Chalk Farm", "Charlotte", "Cheyne", "Clapton", "Colville", "Compton",
    "Copenhagen", "Crescent", "Dalston", "Dunstan", "Ebury", "Eden", "Elderfield", "Eversholt", "Fairholme",
    "Fortess", "Gascoigne", "Glenthorne", "Goldhawk", "Gresham", "Hackney", "Haggerston", "Hampden",
    "Harvist", "Hazelwood", "Holloway", "Hornsey", "Iverson", "Kilburn", "Ladbroke", "Lavender", "Leyton",
    "Loampit", "Lordship", "Mare", "Mildmay", "Morning", "Navarino", "Nevill", "Northwold", "Offord",
    "Peckham", "Penrose", "Pitfield", "Plough", "Powis", "Queensbridge", "Rendlesham", "Rye", "Sandbrook",
    "Shacklewell", "Stapleton", "Tottenham", "Tyssen", "Wadham", "Walworth", "Westow", "Whitmore", "Wick",
    "Wilberforce", "Albion", "Amhurst",
    "Blackhorse", "Cazenove", "Downs", "Evering", "Gayton", "Lynton",
];

/// Street suffixes and how many base names each pairs with (so Road is ~9x as common as Mews).
pub(super) const SUFFIXES: &[(&str, usize)] = &[
    ("Road", 440),
    ("Street", 260),
    ("Avenue", 130),
    ("Close", 120),
    ("Gardens", 100),
    ("Lane", 90),
    ("Way", 60),
    ("Drive", 60),
    ("Crescent", 50),
    ("Place", 50),
    ("Grove", 40),
    ("Terrace", 40),
    ("Hill", 25),
    ("Walk", 20),
    ("Mews", 20),
    ("Court", 20),
    ("Rise", 15),
    ("Square", 15),
    ("Parade", 10),
    ("Row", 10),
    ("Green", 10),
    ("Vale", 10),
];

/// Name endings of blocks of flats and estates.
pub(super) const BLOCKS: &[&str] = &[
    "House", "House", "House", "Court", "Court", "Tower", "Point", "Lodge", "Mansions", "Heights", "Buildings",
];

/// The number of distinct street names available in each district.
pub(super) fn street_space() -> u64 {
    SUFFIXES.iter().map(|&(_, n)| n.min(BASES.len()) as u64).sum()
}

/// The name of street `slot` in district `district`: distinct slots give distinct names (until
/// the space is exhausted, after which names repeat with new house-number ranges).
pub(super) fn street_name(district: usize, slot: u64, key: u64) -> String {
    let space = street_space();
    let v = permute(slot % space, space, key ^ (district as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let mut rest = v;
    for &(suffix, n) in SUFFIXES {
        let n = n.min(BASES.len()) as u64;
        if rest < n {
            // Pair suffixes with different base names in different districts.
            let base = (rest as usize + district * 37) % BASES.len();
            let base = BASES[base];
            return if base == suffix { format!("The {suffix}") } else { format!("{base} {suffix}") };
        }
        rest -= n;
    }
    format!("{} Road", BASES[(v as usize) % BASES.len()])
}

/// Non-residential premises: the type recorded on the location, relative frequency among event
/// locations, and names used for it (empty when the address alone identifies it).
pub(super) const PREMISES: &[(&str, f64, &[&str])] = &[
    ("street", 30.0, &[]),
    ("shop", 9.0, &["Tesco Express", "Sainsbury's Local", "Co-op", "Londis", "Costcutter", "Boots", "Superdrug", "JD Sports", "Primark", "Poundland", "Greggs", "Iceland", "Lidl", "Aldi", "Off Licence", "Phone Repair Centre", "Vape Shop"]),
    ("supermarket", 3.0, &["Tesco", "Sainsbury's", "Asda", "Morrisons", "Lidl", "Aldi", "Waitrose"]),
    ("pub", 5.0, &["The Red Lion", "The King's Head", "The Crown", "The Royal Oak", "The White Hart", "The Swan", "The Plough", "The George", "The Prince Albert", "The Railway Tavern", "The Queen's Head", "The Bell", "The Victoria", "The Three Compasses", "The Coach and Horses"]),
    ("nightclub", 1.5, &["Club Fusion", "Pulse", "The Vaults", "Electric Ballroom", "Studio 9", "Envy"]),
    ("takeaway", 4.0, &["Chicken Cottage", "Dixy Chicken", "Morley's", "Golden Dragon", "Perfect Fried Chicken", "Pizza Go Go", "Sultan Kebab House", "Fish Bar", "Taste of India", "Happy Garden"]),
    ("restaurant", 1.5, &["Nando's", "McDonald's", "KFC", "Wetherspoon", "Pizza Express", "Wagamama"]),
    ("petrol station", 1.5, &["Shell", "BP", "Esso", "Texaco", "Jet"]),
    ("car park", 2.0, &["Multi-storey Car Park", "Station Car Park", "Leisure Centre Car Park"]),
    ("park", 3.0, &["Recreation Ground", "Park", "Playing Fields", "Common", "Gardens"]),
    ("railway station", 2.5, &["Station", "Overground Station", "Underground Station"]),
    ("bus station", 1.0, &["Bus Station", "Bus Garage"]),
    ("school", 2.0, &["Primary School", "Academy", "High School", "College"]),
    ("hospital", 1.0, &["University Hospital", "General Hospital"]),
    ("betting shop", 1.5, &["William Hill", "Ladbrokes", "Paddy Power", "Coral", "Betfred"]),
    ("hotel", 1.0, &["Travelodge", "Premier Inn", "Ibis", "Holiday Inn Express"]),
    ("hostel", 1.0, &["Hostel", "Night Shelter", "Supported Housing"]),
    ("leisure centre", 1.0, &["Leisure Centre", "Sports Centre", "Gym"]),
    ("place of worship", 0.8, &["Parish Church", "Mosque", "Gurdwara", "Temple", "Evangelical Church"]),
    ("retail park", 0.8, &["Retail Park", "Shopping Centre"]),
    ("office", 1.0, &["Business Centre", "House"]),
    ("construction site", 0.6, &["Development Site"]),
];

/// Met custody suites and the borough (index into `BOROUGHS`) each serves.
pub(super) const POLICE_STATIONS: &[(&str, usize)] = &[
    ("Bethnal Green Police Station", 0),
    ("Stoke Newington Police Station", 1),
    ("Kentish Town Police Station", 2),
    ("Islington Police Station", 3),
    ("Brixton Police Station", 4),
    ("Walworth Police Station", 5),
    ("Charing Cross Police Station", 6),
    ("Kensington Police Station", 7),
    ("Hammersmith Police Station", 8),
    ("Barking Police Station", 9),
    ("Romford Police Station", 10),
    ("Ilford Police Station", 11),
    ("Enfield Police Station", 12),
    ("Wood Green Police Station", 13),
    ("Forest Gate Police Station", 14),
    ("Leyton Police Station", 15),
    ("Colindale Police Station", 16),
    ("Wembley Police Station", 17),
    ("Harrow Police Station", 18),
    ("Bexleyheath Police Station", 19),
    ("Plumstead Police Station", 20),
    ("Lewisham Police Station", 21),
    ("Bromley Police Station", 22),
    ("Croydon Police Station", 23),
    ("Sutton Police Station", 24),
    ("Kingston Police Station", 25),
    ("Wimbledon Police Station", 26),
    ("Twickenham Police Station", 27),
    ("Wandsworth Police Station", 28),
    ("Ealing Police Station", 29),
    ("Uxbridge Police Station", 30),
    ("Hounslow Police Station", 31),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::places::BOROUGHS;

    #[test]
    fn street_names_are_unique_within_a_district() {
        let space = street_space();
        assert!(space >= 1500, "{space}");
        assert!(BASES.len() >= 400, "{}", BASES.len());
        let mut names: Vec<String> = (0..space).map(|s| street_name(7, s, 1234)).collect();
        let roads = names.iter().filter(|n| n.ends_with(" Road")).count();
        let mews = names.iter().filter(|n| n.ends_with(" Mews")).count();
        assert!(roads > 5 * mews, "{roads} roads, {mews} mews");
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len() as u64, space);
        assert_ne!(street_name(7, 0, 1234), street_name(8, 0, 1234));
    }

    #[test]
    fn one_station_per_borough() {
        assert_eq!(POLICE_STATIONS.len(), BOROUGHS.len());
        for (i, (_, b)) in POLICE_STATIONS.iter().enumerate() {
            assert_eq!(*b, i);
        }
        assert!(PREMISES.iter().all(|(_, w, _)| *w > 0.0));
    }
}

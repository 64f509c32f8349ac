//! Forenames given in England and Wales by birth decade and sex, most popular first (shaped on the
//! ONS "Baby names in England and Wales" top-100 series and its historic decade lists), plus the
//! extra names common among Black Caribbean families by decade. Sampling weights come from the
//! rank (Zipf-like), so "David" in the 1960s and "Oliver" in the 2010s dominate as they did.

/// Names for one birth decade.
#[derive(Debug)]
pub(super) struct Decade {
    /// First year of the decade (1940 covers 1940–1949; earlier births use the 1940s list).
    pub start: i16,
    pub male: &'static [&'static str],
    pub female: &'static [&'static str],
}

pub(super) const BRITISH: &[Decade] = &[
    Decade {
        start: 1940,
        male: &[
            "John", "David", "Michael", "Peter", "Robert", "Anthony", "Brian", "Alan", "William", "James",
            "Richard", "Kenneth", "Roger", "Keith", "Colin", "Christopher", "Raymond", "Terence", "Barry",
            "Geoffrey", "Derek", "Trevor", "Dennis", "Stephen", "Malcolm", "Graham", "Ronald", "Frederick",
            "George", "Thomas", "Donald", "Roy", "Eric", "Gordon", "Leslie", "Bernard", "Philip", "Patrick",
            "Edward", "Francis", "Ian", "Martin", "Frank", "Arthur", "Harold", "Norman", "Stanley", "Albert",
            "Leonard", "Douglas", "Gerald", "Clifford",
        ],
        female: &[
            "Margaret", "Patricia", "Christine", "Mary", "Jean", "Ann", "Susan", "Janet", "Maureen", "Barbara",
            "Valerie", "Sandra", "Elizabeth", "Pauline", "Sheila", "Brenda", "Joan", "Carol", "Linda", "Doreen",
            "Kathleen", "Eileen", "Marion", "Irene", "Joyce", "Jennifer", "Shirley", "Dorothy", "Betty", "June",
            "Marjorie", "Gillian", "Rita", "Sylvia", "Jacqueline", "Gwendoline", "Hazel", "Beryl", "Audrey",
            "Wendy", "Rosemary", "Judith", "Anne", "Josephine", "Veronica", "Jill", "Yvonne", "Heather",
            "Mildred", "Winifred", "Florence", "Edna",
        ],
    },
    Decade {
        start: 1950,
        male: &[
            "David", "John", "Stephen", "Michael", "Peter", "Paul", "Robert", "Alan", "Christopher", "Richard",
            "Anthony", "Andrew", "Ian", "Kevin", "Gary", "Martin", "Mark", "Keith", "Brian", "Philip", "Steven",
            "Graham", "Colin", "Trevor", "Nigel", "Kenneth", "Terence", "Barry", "William", "James", "Roger",
            "Malcolm", "Geoffrey", "Raymond", "Patrick", "Thomas", "Neil", "Timothy", "Jeffrey", "Dennis",
            "Derek", "Clive", "Roy", "Leslie", "George", "Francis", "Edward", "Lawrence", "Vincent", "Gerald",
        ],
        female: &[
            "Susan", "Linda", "Christine", "Margaret", "Janet", "Patricia", "Carol", "Elizabeth", "Mary", "Anne",
            "Ann", "Jane", "Jacqueline", "Barbara", "Valerie", "Pauline", "Sandra", "Gillian", "Marilyn",
            "Kathleen", "Lesley", "Karen", "Julie", "Deborah", "Diane", "Maureen", "Lynne", "Angela", "Wendy",
            "Sheila", "Hilary", "Denise", "Brenda", "Jennifer", "Judith", "Carole", "Yvonne", "Heather",
            "Rosemary", "Alison", "Helen", "Catherine", "Beverley", "Teresa", "Frances", "Sally", "Jean",
            "Josephine", "Veronica", "Dorothy",
        ],
    },
    Decade {
        start: 1960,
        male: &[
            "David", "Paul", "Andrew", "Mark", "John", "Michael", "Stephen", "Ian", "Robert", "Richard",
            "Christopher", "Peter", "Simon", "Anthony", "Kevin", "Gary", "Steven", "Martin", "James", "Philip",
            "Alan", "Neil", "Nigel", "Timothy", "Colin", "Graham", "Jonathan", "Nicholas", "Adrian", "Jeffrey",
            "Carl", "Dean", "Darren", "Wayne", "Shaun", "Keith", "Barry", "Russell", "Lee", "Jason", "Trevor",
            "Brian", "Matthew", "Julian", "Robin", "Sean", "Tony", "Duncan", "Daniel", "Raymond", "Gregory",
            "Terence",
        ],
        female: &[
            "Susan", "Julie", "Karen", "Jacqueline", "Deborah", "Tracey", "Jane", "Helen", "Diane", "Sharon",
            "Tracy", "Angela", "Sarah", "Alison", "Caroline", "Amanda", "Sandra", "Linda", "Catherine",
            "Elizabeth", "Carol", "Joanne", "Wendy", "Janet", "Dawn", "Christine", "Nicola", "Lorraine",
            "Michelle", "Gillian", "Andrea", "Lynn", "Denise", "Ann", "Louise", "Beverley", "Teresa", "Elaine",
            "Kim", "Mandy", "Debra", "Lisa", "Claire", "Anne", "Margaret", "Patricia", "Carolyn", "Paula",
            "Joanna", "Kathryn", "Jennifer", "Samantha",
        ],
    },
    Decade {
        start: 1970,
        male: &[
            "Paul", "Mark", "David", "Andrew", "Richard", "Christopher", "James", "Simon", "Michael", "Matthew",
            "Stephen", "Lee", "John", "Robert", "Darren", "Daniel", "Steven", "Jason", "Nicholas", "Jonathan",
            "Ian", "Neil", "Peter", "Stuart", "Anthony", "Martin", "Kevin", "Craig", "Philip", "Gary", "Scott",
            "Wayne", "Timothy", "Dean", "Carl", "Adam", "Benjamin", "Alexander", "Thomas", "Gareth", "Ben",
            "Sean", "Shaun", "Barry", "Graham", "Russell", "Jamie", "Ryan", "Justin", "Kieran", "Damian",
            "Marc", "Jeremy", "Edward",
        ],
        female: &[
            "Sarah", "Claire", "Nicola", "Emma", "Lisa", "Joanne", "Michelle", "Helen", "Samantha", "Karen",
            "Amanda", "Rachel", "Louise", "Julie", "Clare", "Rebecca", "Sharon", "Victoria", "Caroline", "Susan",
            "Kelly", "Elizabeth", "Catherine", "Deborah", "Tracey", "Donna", "Alison", "Angela", "Anna",
            "Jennifer", "Kerry", "Lynsey", "Natalie", "Jane", "Dawn", "Zoe", "Hayley", "Lucy", "Kirsty", "Gemma",
            "Laura", "Katie", "Melanie", "Jacqueline", "Heather", "Paula", "Vicky", "Leanne", "Suzanne",
            "Charlotte", "Katherine", "Stephanie",
        ],
    },
    Decade {
        start: 1980,
        male: &[
            "Christopher", "James", "David", "Daniel", "Michael", "Matthew", "Andrew", "Richard", "Paul", "Mark",
            "Thomas", "Adam", "Robert", "John", "Lee", "Benjamin", "Steven", "Jonathan", "Craig", "Stephen",
            "Simon", "Nicholas", "Peter", "Anthony", "Alexander", "Gary", "Ian", "Ryan", "Luke", "Jamie",
            "Stuart", "Philip", "Darren", "William", "Gareth", "Martin", "Kevin", "Scott", "Dean", "Joseph",
            "Jason", "Neil", "Samuel", "Carl", "Ben", "Sean", "Timothy", "Oliver", "Ashley", "Wayne", "Liam",
            "Kieran", "Jordan", "Aaron", "Nathan", "Ricky",
        ],
        female: &[
            "Sarah", "Laura", "Gemma", "Emma", "Rebecca", "Claire", "Victoria", "Samantha", "Rachel", "Amy",
            "Jennifer", "Nicola", "Katie", "Lisa", "Kelly", "Natalie", "Louise", "Michelle", "Hayley", "Hannah",
            "Stephanie", "Lauren", "Charlotte", "Jessica", "Elizabeth", "Amanda", "Joanne", "Kirsty", "Zoe",
            "Danielle", "Catherine", "Helen", "Leanne", "Sophie", "Lucy", "Stacey", "Jodie", "Kerry", "Donna",
            "Alice", "Carly", "Jade", "Kimberley", "Melissa", "Holly", "Anna", "Chloe", "Vicky", "Kayleigh",
            "Sian", "Natasha", "Kathryn",
        ],
    },
    Decade {
        start: 1990,
        male: &[
            "Thomas", "James", "Daniel", "Joshua", "Matthew", "Ryan", "Christopher", "Michael", "Jordan", "Luke",
            "Adam", "Jack", "Benjamin", "Liam", "Samuel", "Lewis", "Jake", "Ashley", "Callum", "Kieran", "Connor",
            "Alexander", "Robert", "Joseph", "David", "Aaron", "Jamie", "Nathan", "Andrew", "Bradley", "Oliver",
            "William", "Jonathan", "Sam", "Dean", "Sean", "Craig", "Mark", "Richard", "Shane", "Harry", "Reece",
            "Kyle", "Charlie", "George", "Dominic", "Scott", "Alex", "Ben", "Mohammed", "Curtis", "Jason", "Dale",
            "Tyler", "Declan", "Elliot",
        ],
        female: &[
            "Rebecca", "Lauren", "Jessica", "Charlotte", "Hannah", "Sophie", "Amy", "Emily", "Laura", "Emma",
            "Chloe", "Sarah", "Lucy", "Katie", "Megan", "Rachel", "Jade", "Bethany", "Danielle", "Stephanie",
            "Georgia", "Samantha", "Natalie", "Victoria", "Shannon", "Amber", "Abigail", "Olivia", "Holly",
            "Jodie", "Eleanor", "Kirsty", "Hayley", "Leah", "Zoe", "Ellie", "Paige", "Courtney", "Kayleigh",
            "Nicole", "Jasmine", "Alice", "Gemma", "Naomi", "Elizabeth", "Molly", "Rosie", "Alexandra", "Kelly",
            "Keeley", "Stacey", "Catherine",
        ],
    },
    Decade {
        start: 2000,
        male: &[
            "Jack", "Thomas", "Joshua", "Oliver", "Harry", "James", "William", "Samuel", "Daniel", "Charlie",
            "Benjamin", "Joseph", "Callum", "George", "Jake", "Alfie", "Luke", "Matthew", "Ethan", "Lewis",
            "Jacob", "Mohammed", "Ryan", "Alexander", "Dylan", "Liam", "Max", "Adam", "Tyler", "Nathan",
            "Connor", "Kieran", "Cameron", "Jamie", "Henry", "Owen", "Archie", "Harvey", "Finley", "Bradley",
            "Kyle", "Reece", "Leo", "Louis", "Brandon", "Noah", "Rhys", "Ben", "Edward", "Aaron", "Toby", "Kai",
            "Jayden", "Riley", "Freddie", "Muhammad",
        ],
        female: &[
            "Emily", "Chloe", "Jessica", "Ellie", "Sophie", "Megan", "Charlotte", "Lucy", "Hannah", "Olivia",
            "Lauren", "Katie", "Grace", "Amy", "Bethany", "Holly", "Emma", "Molly", "Mia", "Abigail", "Amelia",
            "Ella", "Millie", "Caitlin", "Jade", "Leah", "Georgia", "Evie", "Isabel", "Lily", "Rebecca", "Paige",
            "Shannon", "Courtney", "Eleanor", "Isabella", "Keira", "Erin", "Niamh", "Phoebe", "Summer", "Freya",
            "Poppy", "Jasmine", "Madison", "Ruby", "Daisy", "Scarlett", "Amber", "Aimee", "Tia", "Nicole",
        ],
    },
    Decade {
        start: 2010,
        male: &[
            "Oliver", "Jack", "Harry", "Charlie", "Jacob", "Thomas", "George", "Noah", "Alfie", "Oscar", "Leo",
            "Muhammad", "Freddie", "Arthur", "Archie", "Henry", "Theo", "Joshua", "William", "James", "Ethan",
            "Logan", "Isaac", "Lucas", "Max", "Mohammed", "Finley", "Daniel", "Harrison", "Dylan", "Alexander",
            "Edward", "Adam", "Samuel", "Teddy", "Joseph", "Sebastian", "Elijah", "Jayden", "Reggie", "Mason",
            "Riley", "Tommy", "Toby", "Ronnie", "Albie", "Zachary", "Louie", "Hugo", "Luca", "Benjamin", "Jaxon",
            "Rory", "Yusuf", "Ibrahim", "Omar",
        ],
        female: &[
            "Olivia", "Amelia", "Isla", "Ava", "Emily", "Mia", "Isabella", "Sophia", "Grace", "Lily", "Jessica",
            "Ella", "Poppy", "Evie", "Sophie", "Charlotte", "Ivy", "Freya", "Florence", "Willow", "Rosie",
            "Daisy", "Sienna", "Alice", "Phoebe", "Evelyn", "Harper", "Matilda", "Ruby", "Millie", "Elsie",
            "Chloe", "Scarlett", "Imogen", "Lucy", "Erin", "Layla", "Maya", "Aria", "Esme", "Eliza", "Thea",
            "Luna", "Zara", "Maryam", "Aisha", "Hannah", "Holly", "Lola", "Megan", "Ellie", "Bella",
        ],
    },
];

/// Names common among Black Caribbean families in Britain, by the same decades (mixed with the
/// general lists when generating Caribbean-heritage people).
pub(super) const CARIBBEAN: &[Decade] = &[
    Decade {
        start: 1940,
        male: &["Winston", "Errol", "Delroy", "Leroy", "Clive", "Everton", "Lloyd", "Neville", "Carlton", "Desmond", "Lascelles", "Cecil", "Hubert", "Vernon"],
        female: &["Marcia", "Claudette", "Sonia", "Yvonne", "Paulette", "Hyacinth", "Gloria", "Myrtle", "Pearl", "Icilda", "Beverley", "Merle", "Joy"],
    },
    Decade {
        start: 1960,
        male: &["Delroy", "Errol", "Leon", "Marlon", "Trevor", "Clifton", "Devon", "Dwayne", "Courtney", "Garfield", "Patrick", "Lennox", "Junior", "Everton"],
        female: &["Paulette", "Marcia", "Sonia", "Donna", "Jacqueline", "Beverley", "Sandra", "Michelle", "Andrea", "Simone", "Annette", "Claudia", "Cheryl"],
    },
    Decade {
        start: 1980,
        male: &["Jermaine", "Tyrone", "Marlon", "Jerome", "Andre", "Leon", "Dwayne", "Kareem", "Jamal", "Darnell", "Omari", "Ricardo", "Rohan", "Damion", "Kemar"],
        female: &["Shanice", "Tanisha", "Chantelle", "Keisha", "Latoya", "Monique", "Simone", "Renee", "Kerry-Ann", "Shenice", "Natasha", "Chanel", "Tamika"],
    },
    Decade {
        start: 2000,
        male: &["Tyrese", "Isaiah", "Josiah", "Malachi", "Kai", "Elijah", "Nathaniel", "Shaquille", "Reuben", "Jamal", "Marcus", "Tyler", "Kairo", "Zion"],
        female: &["Aaliyah", "Nia", "Amara", "Tia", "Jada", "Imani", "Kiara", "Shania", "Amani", "Destiny", "Tiana", "Nevaeh", "Mya"],
    },
];

/// The decade list for a birth year (the nearest one for years outside the table).
pub(super) fn decade_for(table: &'static [Decade], birth_year: i16) -> &'static Decade {
    table.iter().rev().find(|d| d.start <= birth_year).or_else(|| table.first()).unwrap_or(&BRITISH[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decades_are_ordered_and_nearest_is_found() {
        for t in [BRITISH, CARIBBEAN] {
            assert!(t.windows(2).all(|w| w[0].start < w[1].start));
            assert!(t.iter().all(|d| d.male.len() >= 10 && d.female.len() >= 10));
        }
        assert_eq!(decade_for(BRITISH, 1936).start, 1940);
        assert_eq!(decade_for(BRITISH, 1987).start, 1980);
        assert_eq!(decade_for(BRITISH, 2016).start, 2010);
        assert_eq!(decade_for(CARIBBEAN, 1975).start, 1960);
        assert_eq!(decade_for(BRITISH, 1987).male[0], "Christopher");
    }
}

//! Forenames and surnames of European heritages common in London (Polish, Romanian, Lithuanian,
//! Russian and Ukrainian, Albanian, Portuguese, Spanish and Latin American, Italian, Greek
//! Cypriot), spelled as registered, diacritics included. Surnames are given in their masculine
//! form; `feminine_surname` applies the grammatical rules of the languages that inflect them.

use super::world::Pool;

pub(super) const POLISH: Pool = Pool {
    male: &[
        "Piotr", "Paweł", "Krzysztof", "Tomasz", "Michał", "Marcin", "Łukasz", "Jakub", "Adam", "Marek",
        "Grzegorz", "Andrzej", "Mateusz", "Kamil", "Dawid", "Rafał", "Bartosz", "Sebastian", "Wojciech",
        "Szymon", "Damian", "Dariusz", "Jarosław", "Mariusz", "Robert", "Artur", "Przemysław", "Zbigniew",
    ],
    female: &[
        "Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna", "Małgorzata", "Monika", "Aleksandra", "Ewa",
        "Karolina", "Natalia", "Justyna", "Paulina", "Marta", "Beata", "Dorota", "Agata", "Sylwia",
        "Patrycja", "Weronika", "Zuzanna", "Izabela", "Kinga", "Emilia", "Julia", "Dominika",
    ],
    surnames: &[
        "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
        "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
        "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Nowicki", "Adamczyk", "Dudek",
        "Zając", "Wieczorek", "Jabłoński", "Król", "Majewski", "Olszewski", "Jaworski", "Wróbel",
        "Malinowski", "Pawlak", "Witkowski", "Walczak", "Stępień", "Górski", "Rutkowski", "Michalak",
        "Sikora", "Ostrowski", "Baran", "Duda", "Szewczyk", "Tomaszewski", "Pietrzak", "Marciniak",
        "Wróblewski", "Zalewski", "Jakubowski", "Sadowski", "Zawadzki", "Wysocki",
    ],
};

pub(super) const ROMANIAN: Pool = Pool {
    male: &[
        "Ion", "Andrei", "Alexandru", "Mihai", "Florin", "Ionuț", "Marius", "Cristian", "Gheorghe",
        "Constantin", "Vasile", "Adrian", "Bogdan", "Daniel", "Gabriel", "Ciprian", "Sorin", "Costel",
        "Nicolae", "Ștefan", "Dumitru", "Lucian", "Valentin", "Răzvan", "Cosmin", "Iulian", "Petru",
    ],
    female: &[
        "Maria", "Elena", "Ioana", "Andreea", "Mihaela", "Ana", "Cristina", "Alexandra", "Gabriela",
        "Florentina", "Roxana", "Georgiana", "Alina", "Daniela", "Simona", "Nicoleta", "Larisa", "Bianca",
        "Diana", "Adriana", "Ionela", "Denisa",
    ],
    surnames: &[
        "Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei",
        "Ciobanu", "Rusu", "Munteanu", "Constantin", "Florea", "Moldovan", "Mihai", "Lungu", "Marin", "Ilie",
        "Toma", "Diaconu", "Dinu", "Sandu", "Barbu", "Tudor", "Nistor", "Preda", "Zamfir", "Vasile", "Dobre",
        "Cristea", "Ene", "Anghel", "Șerban", "Bălan", "Stănescu", "Nițu", "Țurcanu", "Căpraru",
    ],
};

pub(super) const LITHUANIAN: Pool = Pool {
    male: &[
        "Tomas", "Mantas", "Lukas", "Darius", "Mindaugas", "Andrius", "Paulius", "Giedrius", "Vytautas",
        "Jonas", "Marius", "Rimantas", "Tadas", "Deividas", "Aurimas", "Egidijus", "Žilvinas",
    ],
    female: &[
        "Rūta", "Jurgita", "Laura", "Ieva", "Agnė", "Giedrė", "Eglė", "Aistė", "Kristina", "Inga", "Vaida",
        "Rasa", "Simona", "Gintarė", "Jolanta",
    ],
    surnames: &[
        "Kazlauskas", "Jankauskas", "Petrauskas", "Stankevičius", "Vasiliauskas", "Žukauskas", "Butkus",
        "Paulauskas", "Urbonas", "Kavaliauskas", "Baranauskas", "Navickas", "Ramanauskas", "Savickas",
        "Rimkus", "Pocius", "Mockus", "Šimkus",
    ],
};

pub(super) const RUSSIAN_UKRAINIAN: Pool = Pool {
    male: &[
        "Aleksandr", "Sergei", "Dmitri", "Andrei", "Alexei", "Mikhail", "Ivan", "Nikolai", "Vladimir", "Yuri",
        "Oleksandr", "Oleksiy", "Taras", "Bohdan", "Volodymyr", "Maksym", "Artem", "Denys", "Yevgeny", "Igor",
        "Roman", "Pavel", "Viktor",
    ],
    female: &[
        "Olga", "Natalia", "Tatiana", "Irina", "Svetlana", "Elena", "Ekaterina", "Anastasia", "Yulia",
        "Oksana", "Olena", "Iryna", "Kateryna", "Daria", "Maria", "Ludmila", "Valentina", "Viktoria", "Alina",
        "Sofia",
    ],
    surnames: &[
        "Ivanov", "Smirnov", "Kuznetsov", "Popov", "Petrov", "Sokolov", "Volkov", "Kovalenko", "Shevchenko",
        "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko", "Kovalchuk", "Oliynyk", "Lysenko",
        "Marchenko", "Petrenko", "Moroz", "Romanenko", "Savchenko", "Rudenko", "Pavlenko", "Fedorov",
        "Morozov", "Lebedev",
    ],
};

pub(super) const ALBANIAN: Pool = Pool {
    male: &[
        "Arben", "Besnik", "Ardit", "Endrit", "Florian", "Gentian", "Klodian", "Ermal", "Dritan", "Altin",
        "Erion", "Fatmir", "Agron", "Bledar", "Kujtim", "Mergim",
    ],
    female: &["Arta", "Blerina", "Elira", "Drita", "Besa", "Valbona", "Albana", "Erjona", "Mirela", "Jonida", "Fjolla"],
    surnames: &[
        "Hoxha", "Krasniqi", "Gashi", "Berisha", "Shala", "Morina", "Bajrami", "Kelmendi", "Hasani", "Rama",
        "Leka", "Dervishi", "Kola", "Shehu", "Meta", "Begaj", "Çela", "Lika",
    ],
};

pub(super) const IBERIAN: Pool = Pool {
    male: &[
        "José", "Juan", "Carlos", "Luis", "Miguel", "Antonio", "Manuel", "Pedro", "Jorge", "Javier", "Diego",
        "Alejandro", "Andrés", "João", "Paulo", "Rui", "Tiago", "Bruno", "Ricardo", "Nuno", "Fernando",
        "Sergio", "Rafael", "Gonçalo", "Hugo", "Mateo", "Santiago", "Cristian", "Jhon", "Wilson",
    ],
    female: &[
        "María", "Ana", "Carmen", "Laura", "Sofía", "Lucía", "Marta", "Isabel", "Paula", "Andrea", "Beatriz",
        "Inês", "Mariana", "Joana", "Catarina", "Rita", "Daniela", "Gabriela", "Valentina", "Camila",
        "Luisa", "Rosa", "Patricia", "Claudia",
    ],
    surnames: &[
        "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
        "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez", "Romero", "Torres", "Ramírez",
        "Vargas", "Castro", "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues",
        "Martins", "Sousa", "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Almeida",
        "Ribeiro", "Pinto", "Carvalho", "Teixeira", "Muñoz", "Peña",
    ],
};

pub(super) const ITALIAN: Pool = Pool {
    male: &[
        "Giuseppe", "Marco", "Luca", "Giovanni", "Francesco", "Antonio", "Alessandro", "Andrea", "Matteo",
        "Paolo", "Salvatore", "Roberto", "Stefano", "Davide", "Vincenzo", "Carmine",
    ],
    female: &[
        "Giulia", "Francesca", "Chiara", "Sara", "Valentina", "Elena", "Federica", "Alessia", "Martina",
        "Silvia", "Rosa", "Giovanna", "Lucia",
    ],
    surnames: &[
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Bruno", "Gallo", "Conti", "De Luca", "Costa", "Giordano", "Mancini", "Rizzo", "Lombardi", "Moretti",
        "D'Angelo", "Di Stefano", "De Rosa", "Fontana",
    ],
};

pub(super) const GREEK_CYPRIOT: Pool = Pool {
    male: &[
        "Andreas", "Georgios", "Christos", "Nikos", "Costas", "Panayiotis", "Michalis", "Stelios", "Savvas",
        "Demetris", "Yiannis", "Kyriacos", "Marios", "Antonis",
    ],
    female: &[
        "Maria", "Eleni", "Georgia", "Christina", "Androulla", "Despina", "Katerina", "Sophia", "Panayiota",
        "Stella", "Niki", "Athena",
    ],
    surnames: &[
        "Georgiou", "Christodoulou", "Papadopoulos", "Ioannou", "Constantinou", "Nicolaou", "Charalambous",
        "Demetriou", "Michael", "Andreou", "Savva", "Panayi", "Kyriacou", "Hadjipavlou", "Antoniou",
        "Economou", "Stylianou", "Christofi", "Theodorou",
    ],
};

/// The form a woman's surname takes in languages whose surnames inflect for sex: Polish -ski/-cki/
/// -dzki become -ska/-cka/-dzka; Russian -ov/-ev/-in gain -a; Lithuanian -as/-is/-us take the
/// married -ienė. Other surnames are returned unchanged.
pub(super) fn feminine_surname(masculine: &str) -> String {
    for (from, to) in [("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")] {
        if let Some(stem) = masculine.strip_suffix(from) {
            return format!("{stem}{to}");
        }
    }
    for ending in ["ov", "ev", "in"] {
        if masculine.ends_with(ending) && masculine.chars().count() > 4 {
            return format!("{masculine}a");
        }
    }
    for ending in ["as", "is", "us"] {
        if let Some(stem) = masculine.strip_suffix(ending)
            && LITHUANIAN.surnames.contains(&masculine)
        {
            return format!("{stem}ienė");
        }
    }
    masculine.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feminine_forms_follow_each_language() {
        assert_eq!(feminine_surname("Kowalski"), "Kowalska");
        assert_eq!(feminine_surname("Zawadzki"), "Zawadzka");
        assert_eq!(feminine_surname("Nowicki"), "Nowicka");
        assert_eq!(feminine_surname("Ivanov"), "Ivanova");
        assert_eq!(feminine_surname("Lebedev"), "Lebedeva");
        assert_eq!(feminine_surname("Kazlauskas"), "Kazlauskienė");
        assert_eq!(feminine_surname("Nowak"), "Nowak");
        assert_eq!(feminine_surname("Shevchenko"), "Shevchenko");
        assert_eq!(feminine_surname("Costas"), "Costas", "not Lithuanian");
        assert_eq!(feminine_surname("Lin"), "Lin", "too short to be Russian");
    }

    #[test]
    fn pools_are_populated() {
        for p in [&POLISH, &ROMANIAN, &LITHUANIAN, &RUSSIAN_UKRAINIAN, &ALBANIAN, &IBERIAN, &ITALIAN, &GREEK_CYPRIOT] {
            assert!(p.male.len() >= 10 && p.female.len() >= 10 && p.surnames.len() >= 15);
        }
    }
}

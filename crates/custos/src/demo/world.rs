//! Forenames and surnames of the heritages most represented among London's population other than
//! White British: each pool roughly in descending popularity, spelled as they are usually
//! registered in the UK (diacritics kept where the community keeps them, so that a later record
//! without them is a realistic variant).

/// Forenames by sex and surnames of one heritage.
#[derive(Debug)]
pub(super) struct Pool {
    pub male: &'static [&'static str],
    pub female: &'static [&'static str],
    pub surnames: &'static [&'static str],
}

pub(super) const IRISH: Pool = Pool {
    male: &[
        "Patrick", "Sean", "Michael", "John", "Declan", "Ciaran", "Liam", "Conor", "Niall", "Eoin", "Padraig",
        "Brendan", "Dermot", "Kieran", "Eamon", "Seamus", "Fergal", "Colm", "Darragh", "Ronan", "Aidan",
        "Cormac", "Finbar", "Thomas", "Martin", "Gerard", "Cathal", "Oisin",
    ],
    female: &[
        "Mary", "Siobhan", "Niamh", "Aoife", "Sinead", "Ciara", "Roisin", "Orla", "Maeve", "Bridget",
        "Catherine", "Mairead", "Eimear", "Caoimhe", "Saoirse", "Deirdre", "Grainne", "Aisling", "Clodagh",
        "Bernadette", "Nuala", "Fionnuala",
    ],
    surnames: &[],
};

pub(super) const SOUTH_ASIAN_MUSLIM: Pool = Pool {
    male: &[
        "Mohammed", "Muhammad", "Ahmed", "Ali", "Imran", "Hassan", "Hussain", "Asif", "Tariq", "Usman", "Bilal",
        "Hamza", "Adnan", "Faisal", "Irfan", "Kamran", "Naveed", "Rizwan", "Sajid", "Shahid", "Waqas",
        "Zahid", "Amir", "Arif", "Aziz", "Jamil", "Khalid", "Nadeem", "Rashid", "Shakeel", "Tahir", "Yasir",
        "Zain", "Ayaan", "Rayyan", "Abdul", "Abdullah", "Ibrahim", "Yusuf", "Ismail", "Ilyas", "Idris",
        "Junaid", "Shoaib", "Saiful", "Rahim", "Jahangir", "Mizanur", "Anwar", "Rubel", "Shafiq", "Abu",
    ],
    female: &[
        "Fatima", "Ayesha", "Aisha", "Khadija", "Maryam", "Zainab", "Sana", "Amina", "Nadia", "Samina",
        "Shazia", "Rubina", "Nasreen", "Parveen", "Shabana", "Farzana", "Salma", "Yasmin", "Rukhsana",
        "Shamima", "Rahima", "Sultana", "Hafsa", "Hira", "Iqra", "Saima", "Sadia", "Tahmina", "Nusrat",
        "Habiba", "Halima", "Sumaiya", "Maliha", "Rabia", "Anisa", "Bushra", "Humaira", "Jannat", "Laila",
        "Shirin", "Rehana",
    ],
    surnames: &[
        "Khan", "Ahmed", "Ali", "Hussain", "Akhtar", "Mahmood", "Iqbal", "Rahman", "Islam", "Uddin", "Miah",
        "Hassan", "Butt", "Malik", "Shah", "Chaudhry", "Aziz", "Rashid", "Mirza", "Qureshi", "Siddiqui",
        "Sheikh", "Raja", "Javed", "Anwar", "Saleem", "Haq", "Karim", "Bashir", "Hamid", "Latif", "Majid",
        "Nawaz", "Rafiq", "Sadiq", "Yousaf", "Zaman", "Chowdhury", "Hoque", "Haque", "Alam", "Sarkar",
        "Talukder", "Ullah", "Choudhury", "Kabir", "Hossain", "Mohammed", "Abbasi", "Mughal", "Bhatti",
    ],
};

/// Surnames carried by many Bangladeshi and Pakistani women independently of their husband's.
pub(super) const SOUTH_ASIAN_WOMEN: &[&str] = &["Begum", "Bibi", "Khatun", "Akhtar", "Nessa", "Sultana"];

pub(super) const HINDU: Pool = Pool {
    male: &[
        "Rajesh", "Sanjay", "Sunil", "Anil", "Vijay", "Ravi", "Amit", "Rahul", "Vikram", "Deepak", "Ashok",
        "Manoj", "Nitin", "Pradeep", "Arjun", "Rohan", "Aarav", "Krishna", "Dev", "Nikhil", "Sachin",
        "Hitesh", "Dinesh", "Mahesh", "Suresh", "Ramesh", "Kiran", "Raj", "Vivek", "Anand", "Mukesh", "Jayesh",
        "Kamlesh", "Bhavesh", "Ketan", "Tushar",
    ],
    female: &[
        "Priya", "Anjali", "Pooja", "Neha", "Sunita", "Anita", "Geeta", "Rekha", "Meena", "Kavita", "Nisha",
        "Deepa", "Asha", "Lata", "Divya", "Shreya", "Riya", "Ananya", "Seema", "Hema", "Bhavna", "Jyoti",
        "Usha", "Nirmala", "Sangeeta", "Shilpa", "Sapna", "Kiran", "Hansa", "Jayshree", "Nita",
    ],
    surnames: &[
        "Patel", "Shah", "Sharma", "Kumar", "Mehta", "Desai", "Joshi", "Parmar", "Chauhan", "Gupta", "Mistry",
        "Modi", "Thakkar", "Lad", "Pandya", "Bhatt", "Rao", "Reddy", "Nair", "Pillai", "Iyer", "Menon",
        "Verma", "Solanki", "Rana", "Chopra", "Kapoor", "Malhotra", "Bhatia", "Sethi", "Vaghela", "Rai",
    ],
};

/// Sikh forenames are mostly unisex; men carry Singh and women Kaur, as a surname or a middle name
/// before the family name.
pub(super) const SIKH: Pool = Pool {
    male: &[
        "Harpreet", "Gurpreet", "Jaspreet", "Manpreet", "Kuldeep", "Sukhwinder", "Amarjit", "Jasbir",
        "Jatinder", "Balwinder", "Harjit", "Inderjit", "Paramjit", "Gurdeep", "Ranjit", "Sukhdev", "Baljit",
        "Harvinder", "Mohinder", "Gurinder", "Jagdeep", "Karanveer", "Arjan",
    ],
    female: &[
        "Harpreet", "Gurpreet", "Parminder", "Jaswinder", "Manjit", "Kulwinder", "Rajinder", "Sukhjit",
        "Simran", "Navdeep", "Amandeep", "Harjinder", "Balbir", "Surinder", "Jasleen", "Gurleen", "Navjot",
    ],
    surnames: &[
        "Gill", "Sandhu", "Sidhu", "Dhillon", "Grewal", "Bains", "Sahota", "Johal", "Atwal", "Virdi", "Bhogal",
        "Hayer", "Randhawa", "Thind", "Chohan", "Sohal", "Dhaliwal", "Bassi", "Mann", "Sangha", "Kang",
    ],
};

pub(super) const WEST_AFRICAN: Pool = Pool {
    male: &[
        "Emmanuel", "Samuel", "David", "Daniel", "Oluwaseun", "Olumide", "Adebayo", "Babatunde", "Chinedu",
        "Chukwuemeka", "Emeka", "Obinna", "Ikechukwu", "Kelechi", "Tunde", "Segun", "Femi", "Kunle", "Gbenga",
        "Kwame", "Kofi", "Kwabena", "Yaw", "Kwaku", "Kojo", "Kwesi", "Nana", "Ebenezer", "Joseph", "Michael",
        "Victor", "Godwin", "Prince", "Ifeanyi", "Nnamdi", "Ayodele", "Oluwafemi", "Tobi", "Damilola",
        "Ibrahim", "Abdul", "Mohamed", "Alhaji", "Augustine", "Solomon", "Isaac",
    ],
    female: &[
        "Blessing", "Grace", "Precious", "Folasade", "Funmilayo", "Adaeze", "Chiamaka", "Ngozi", "Nkechi",
        "Chioma", "Amaka", "Ifeoma", "Oluwatoyin", "Bukola", "Yetunde", "Titilayo", "Abimbola", "Omolara",
        "Adwoa", "Akosua", "Ama", "Abena", "Efua", "Afua", "Esi", "Yaa", "Joy", "Favour", "Patience",
        "Comfort", "Mercy", "Gift", "Esther", "Deborah", "Temitope", "Tolulope", "Adenike", "Ronke",
        "Fatmata", "Isatu", "Mariama", "Aminata",
    ],
    surnames: &[
        "Okafor", "Adeyemi", "Mensah", "Okonkwo", "Adebayo", "Owusu", "Asante", "Boateng", "Osei", "Oluwole",
        "Ogunleye", "Adeleke", "Balogun", "Bello", "Eze", "Nwosu", "Okoro", "Obi", "Nwachukwu", "Okeke",
        "Onyeka", "Afolabi", "Akinola", "Ogunbiyi", "Olawale", "Ajayi", "Oyinlola", "Agyeman", "Appiah",
        "Acheampong", "Darko", "Ofori", "Amoah", "Addo", "Adjei", "Amponsah", "Danso", "Frimpong", "Gyamfi",
        "Kyei", "Opoku", "Sarpong", "Yeboah", "Koroma", "Kamara", "Conteh", "Sesay", "Bangura", "Turay",
        "Jalloh", "Bah", "Diallo", "Kargbo", "Oyelaran", "Akinyemi", "Adewale", "Oladipo", "Ibekwe",
    ],
};

pub(super) const SOMALI: Pool = Pool {
    male: &[
        "Mohamed", "Abdi", "Ahmed", "Ali", "Hassan", "Abdirahman", "Abdullahi", "Abdikarim", "Omar", "Yusuf",
        "Ismail", "Liban", "Farah", "Guled", "Mahad", "Abdiaziz", "Said", "Hamza", "Khalid", "Abdiqani",
        "Mustafa", "Osman", "Ibrahim", "Jama", "Nur", "Bashir",
    ],
    female: &[
        "Fadumo", "Hodan", "Amina", "Asha", "Halima", "Khadra", "Ayan", "Hibo", "Sahra", "Ubah", "Ifrah",
        "Nimco", "Sagal", "Deeqa", "Hawa", "Fartun", "Maryan", "Faisa", "Sucaad", "Idil",
    ],
    surnames: &[
        "Mohamed", "Ahmed", "Abdi", "Ali", "Hassan", "Farah", "Warsame", "Osman", "Ibrahim", "Jama", "Yusuf",
        "Omar", "Nur", "Hussein", "Abdullahi", "Aden", "Egal", "Elmi", "Gedi", "Hersi", "Isse", "Mohamud",
        "Muse", "Noor", "Salah", "Shire", "Dahir", "Duale", "Abdirahman", "Ismail",
    ],
};

pub(super) const TURKISH: Pool = Pool {
    male: &[
        "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "İsmail", "Osman", "Murat", "Emre",
        "Burak", "Serkan", "Kemal", "Erdal", "Ozan", "Cem", "Deniz", "Yusuf", "Ömer", "Halil", "Recep",
        "Kadir", "Volkan", "Tolga", "Baran", "Azad", "Rojhat", "Erkan",
    ],
    female: &[
        "Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Meryem", "Şerife", "Sultan", "Hanife", "Zehra",
        "Esra", "Merve", "Büşra", "Gül", "Leyla", "Derya", "Songül", "Nurcan", "Özlem", "Dilan",
    ],
    surnames: &[
        "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
        "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat",
        "Korkmaz", "Erdoğan", "Güneş", "Akın", "Aksoy", "Bozkurt", "Tekin", "Uçar", "Ekinci",
    ],
};

pub(super) const ARAB: Pool = Pool {
    male: &[
        "Mohammed", "Ahmed", "Ali", "Omar", "Khalid", "Youssef", "Hassan", "Hussein", "Karim", "Samir", "Tarek",
        "Walid", "Nabil", "Rachid", "Mourad", "Abdelkader", "Said", "Amine", "Hamza", "Bilal", "Yassine",
        "Mahmoud", "Mustafa", "Ibrahim", "Adel", "Jamal", "Fadi", "Rami", "Ziad", "Sami",
    ],
    female: &[
        "Fatima", "Aisha", "Khadija", "Mariam", "Nour", "Layla", "Samira", "Amal", "Rania", "Hana", "Yasmin",
        "Salma", "Leila", "Zahra", "Nadia", "Amira", "Dina", "Sara", "Hiba", "Rim", "Noura",
    ],
    surnames: &[
        "Hassan", "Ali", "Ahmed", "Mohamed", "Ibrahim", "Mahmoud", "Mustafa", "Abdullah", "Saleh", "Khalil",
        "Haddad", "Nasser", "Mansour", "Aziz", "Hamdan", "Said", "Benali", "Bouazza", "El Amrani",
        "El Idrissi", "Benjelloun", "Boukhari", "Cherif", "Belkacem", "Al-Sayed", "Al-Hashimi", "Al-Khatib",
        "Abdel-Rahman", "El-Masri", "Al-Ahmad", "Suleiman", "Youssef",
    ],
};

pub(super) const CHINESE: Pool = Pool {
    male: &[
        "Wei", "Jun", "Hao", "Jian", "Lei", "Ming", "Yang", "Tao", "Bo", "Long", "Peng", "Kai", "Jie", "Feng",
        "Yong", "Kevin", "Jason", "David", "Tony", "Michael", "Ka Ho", "Wing Kit", "Chi Wai", "Kwok Wing",
    ],
    female: &[
        "Li", "Mei", "Xin", "Yan", "Ying", "Jing", "Hui", "Fang", "Lan", "Na", "Ling", "Xiaoling", "Wing",
        "Mandy", "Jenny", "Grace", "Vivian", "Kelly", "Amy", "Mei Ling", "Siu Wai",
    ],
    surnames: &[
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu",
        "Hu", "Guo", "He", "Lin", "Luo", "Gao", "Wong", "Chan", "Lee", "Cheung", "Lau", "Chow", "Leung", "Ng",
        "Ho", "Tang", "Yip", "Lam", "Cheng", "Tsang", "Kwok", "Yeung", "Fung",
    ],
};

pub(super) const VIETNAMESE: Pool = Pool {
    male: &[
        "Minh", "Anh", "Duc", "Hung", "Tuan", "Nam", "Thanh", "Long", "Quang", "Hieu", "Hoang", "Khanh",
        "Dung", "Thang", "Phong", "Son", "Trung", "Vinh", "Cuong", "Huy",
    ],
    female: &[
        "Linh", "Lan", "Huong", "Mai", "Thu", "Trang", "Ngoc", "Hoa", "Thao", "Phuong", "Hanh", "Nhung", "Yen",
        "Thuy", "Van", "Hang", "Dung",
    ],
    surnames: &[
        "Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang", "Bui", "Do", "Ho", "Ngo",
        "Duong", "Ly",
    ],
};

/// Vietnamese middle names: Van (men) and Thi (women) are by far the most common.
pub(super) const VIETNAMESE_MIDDLE_MALE: &[&str] = &["Van", "Van", "Van", "Duc", "Minh", "Quoc", "Huu"];
pub(super) const VIETNAMESE_MIDDLE_FEMALE: &[&str] = &["Thi", "Thi", "Thi", "Ngoc", "Thu", "Kim"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_are_populated() {
        for pool in [&SOUTH_ASIAN_MUSLIM, &HINDU, &SIKH, &WEST_AFRICAN, &SOMALI, &TURKISH, &ARAB, &CHINESE, &VIETNAMESE] {
            assert!(pool.male.len() >= 15 && pool.female.len() >= 15 && pool.surnames.len() >= 15);
            for n in pool.male.iter().chain(pool.female).chain(pool.surnames) {
                assert!(!n.is_empty() && n.trim() == *n, "{n:?}");
            }
        }
        assert!(IRISH.surnames.is_empty(), "Irish surnames live in surnames.rs");
    }
}

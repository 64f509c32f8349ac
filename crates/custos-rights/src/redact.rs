//! Automatic redaction of third parties' personal data in a subject access disclosure.
//!
//! DPA 2018 s.45(4)(e) and UK GDPR Art 15(4) protect "the rights and freedoms of others": the
//! ICO's guidance is that a third party's name, identifiers and address are withheld unless
//! disclosing them is reasonable. A [`Redactor`] is built once per bundle from what is known
//! about the requester (never redacted) and every third party; it proposes the redactions of
//! each text, which the reviewing officer adjusts ([`Adjustments`]). [`Redactor::leaked`] is the
//! last check before a pack goes out: what in the released text still identifies someone else.
//!
//! The rules:
//!
//! 1. Matching is case-insensitive (common Latin accents folded) on whole words, a word being a
//!    maximal run of letters and digits: "Ann" never matches inside "Annex" or "Joanne". The
//!    words of a term may be separated by any whitespace (in names also hyphens and
//!    apostrophes). Identifiers, postcodes and phone numbers compare on their letters and digits
//!    only: "AB 12 34 56 C" is "AB123456C", "07700 900123" is "07700900123" and "+44 7700
//!    900123"; such a match must not be glued by `-`, `/`, `.`, `_` or `@` to a longer code.
//! 2. Each third-party name (the whole string), and each of its words of three or more letters
//!    alone, is redacted as [`Category::Name`], except a single word that is also one of the
//!    subject's name words: with subject John Brown and victim John Smith, "John" alone stays.
//! 3. Third parties' identifiers are [`Category::Identifier`]; their dates of birth as usually
//!    written (2001-03-04, 04/03/2001, 4/3/2001, 04.03.2001, 4 March 2001, 4th of Mar 2001,
//!    March 4, 2001) [`Category::DateOfBirth`]; their addresses [`Category::Address`]: the
//!    whole line, each comma-separated part with a house number ("12 High Street" alone
//!    locates them), and the postcode alone.
//! 4. By shape, whoever's they are: email addresses and UK phone numbers (01, 02, 03 and 07,
//!    nationally or after +44 or 0044) are [`Category::Contact`]; postcodes (Royal Mail's
//!    format, as `custos_core` parses them) [`Category::Address`]; NI numbers (two letters, six
//!    digits, A–D) [`Category::Identifier`]. Times, other numbers, other dates and crime
//!    references are not contacts: phone digits may be grouped only by spaces, hyphens and
//!    brackets, and must start with 0 (or +44).
//! 5. The subject's own terms (names, identifiers, dates of birth, addresses, and shapes equal
//!    to them) are never redacted by rules 2–4: each occurrence protects its span, as does each
//!    of the officer's `release` phrases. The officer's `redact` phrases are redacted wherever
//!    they occur, as [`Category::Name`], whatever else applies: a phrase both released and
//!    redacted is withheld.
//! 6. A protected span stops every automatic redaction that overlaps it and is no longer than
//!    it: a released "Smith" keeps "Smith", while a third party's "John Smith" still goes whole.
//!    Overlapping redactions are joined into one span with the category of the longest (the
//!    more identifying on a tie), so spans never overlap and nothing between them leaks.
//! 7. [`Redactor::leaked`] applies rules 3–6 without names and without adjustments.

use std::cmp::Reverse;
use std::collections::HashMap;

use custos_core::identifiers::{PhoneNumber, Postcode};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What is known about one person in a bundle: the words that identify them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Full names as recorded, e.g. "John Paul SMITH" (forenames then surname), and aliases.
    pub names: Vec<String>,
    /// Identifier values: PNC ID, CRO, NI number, passport, driving licence, phone, email, user ids …
    pub identifiers: Vec<String>,
    /// Dates of birth.
    pub dates_of_birth: Vec<Date>,
    /// Addresses: whole address lines and postcodes.
    pub addresses: Vec<String>,
}

/// Why a span was redacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A third party's name or name word, or the officer's `redact` phrase.
    Name,
    /// A third party's identifier, or an NI number by shape.
    Identifier,
    /// A third party's date of birth.
    DateOfBirth,
    /// A third party's address or postcode, or a postcode by shape.
    Address,
    /// A phone number or email address found by shape.
    Contact,
}

impl Category {
    /// The name used in JSON and in the rendered pack.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Identifier => "identifier",
            Self::DateOfBirth => "date_of_birth",
            Self::Address => "address",
            Self::Contact => "contact",
        }
    }

    /// Whether the category identifies someone on its own. A bare name may not, and cannot be
    /// told from an ordinary word, so [`Redactor::leaked`] reports every category but `Name`.
    pub fn is_identifying(self) -> bool {
        self != Self::Name
    }

    /// Which category wins between spans of equal length: the more identifying.
    fn rank(self) -> u8 {
        match self {
            Self::Name => 0,
            Self::Address => 1,
            Self::DateOfBirth => 2,
            Self::Contact => 3,
            Self::Identifier => 4,
        }
    }
}

/// A piece of a redacted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Segment {
    /// Text disclosed as it is.
    Kept { text: String },
    /// Text withheld; `text` is the original, for the reviewing officer only.
    Redacted { category: Category, text: String },
}

/// The officer's adjustments to one item: words to release (not redact) and words to redact as well.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustments {
    /// Words or phrases disclosed wherever they are the whole of a proposed redaction (rule 5).
    #[serde(default)]
    pub release: Vec<String>,
    /// Words or phrases withheld wherever they occur, as [`Category::Name`] (rule 5).
    #[serde(default)]
    pub redact: Vec<String>,
}

/// The redaction rules for one bundle (see the module documentation).
#[derive(Debug, Clone)]
pub struct Redactor {
    terms: Terms,
}

impl Redactor {
    /// `subject`: the requester (never redacted); `others`: every third party known in the bundle.
    pub fn new(subject: &Party, others: &[Party]) -> Self {
        let mut terms = Terms::default();
        terms.party(subject, true);
        for other in others {
            terms.party(other, false);
        }
        Self { terms }
    }

    /// Splits `text` into kept and redacted segments (adjacent kept text merged into one segment,
    /// order preserved, concatenating every segment's text gives back `text` exactly).
    pub fn redact(&self, text: &str, adjust: &Adjustments) -> Vec<Segment> {
        let kept = |s: &str| Segment::Kept { text: s.to_owned() };
        let mut out = Vec::new();
        let mut pos = 0;
        for (start, end, category) in self.spans(text, Some(adjust)) {
            if start > pos {
                out.push(kept(&text[pos..start]));
            }
            let text = text[start..end].to_owned();
            out.push(Segment::Redacted { category, text });
            pos = end;
        }
        if pos < text.len() {
            out.push(kept(&text[pos..]));
        }
        out
    }

    /// What a released or un-redacted text would still leak: every third-party *identifying* span
    /// (rules 3 and 4, the subject's own excepted) found in `text`, as (category, the span). Used
    /// to refuse a disclosure pack; ignores adjustments, so a released phone number is reported.
    pub fn leaked(&self, text: &str) -> Vec<(Category, String)> {
        let span = |(start, end, c): (usize, usize, Category)| (c, text[start..end].to_owned());
        self.spans(text, None).into_iter().map(span).collect()
    }

    /// The redacted spans of `text` (start, end, category), sorted and disjoint (rule 6); with
    /// no adjustments, for [`Redactor::leaked`], without names.
    fn spans(&self, text: &str, adjust: Option<&Adjustments>) -> Spans {
        let tokens = tokenise(text);
        let mut found = Vec::new();
        self.terms.scan(text, &tokens, &mut found);
        self.shapes(text, &tokens, &mut found);
        let mut forced = Vec::new();
        match adjust {
            None => found.retain(|f| f.2.redact.is_none_or(Category::is_identifying)),
            Some(adjust) => {
                let mut terms = Terms::default();
                let name = Hit::new(false, Some(Category::Name));
                for (phrases, hit) in [(&adjust.release, Hit::KEEP), (&adjust.redact, name)] {
                    for phrase in phrases {
                        terms.phrase(keys(&tokenise(phrase)), Gap::Loose, hit);
                        let digits = phrase.bytes().any(|b| b.is_ascii_digit());
                        for key in compact_keys(phrase).into_iter().filter(|_| digits) {
                            terms.compact(key, hit);
                        }
                    }
                }
                let mut adjusted = Vec::new();
                terms.scan(text, &tokens, &mut adjusted);
                // The officer's redactions are stopped by nothing; the releases like the subject's.
                forced = adjusted.iter().filter_map(redaction).collect();
                for (start, end, hit) in adjusted {
                    found.push((start, end, Hit::new(hit.keep, None)));
                }
            }
        }
        let mut spans = unprotected(&found);
        spans.extend(forced);
        join(spans)
    }

    /// The shapes of rule 4: emails, phone numbers, postcodes and NI numbers. The subject's own
    /// are protected by their terms, which the compact scan finds over the same words; emails,
    /// whose dots and `@` matter, are looked up whole.
    fn shapes(&self, text: &str, tokens: &[Token], found: &mut Vec<(usize, usize, Hit)>) {
        let redact = |category| Hit::new(false, Some(category));
        for (start, end) in emails(text) {
            let known = self.terms.compact.get(&text[start..end].to_lowercase());
            found.push((
                start,
                end,
                known.copied().unwrap_or(redact(Category::Contact)),
            ));
        }
        for (i, first) in tokens.iter().enumerate() {
            if let Some((start, j)) = phone_at(text, tokens, i) {
                found.push((start, tokens[j].end, redact(Category::Contact)));
            }
            let postcode = postcode_at(text, tokens, i).map(|(j, _)| (j, Category::Address));
            let nino = nino_at(text, tokens, i).map(|j| (j, Category::Identifier));
            for (j, category) in postcode.into_iter().chain(nino) {
                if standalone(text, first.start, tokens[j].end) {
                    found.push((first.start, tokens[j].end, redact(category)));
                }
            }
        }
    }
}

/// The text a reader of the pack sees: kept text as is, each redacted span as "[redacted: <category>]".
pub fn render(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Kept { text } => out.push_str(text),
            Segment::Redacted { category, .. } => {
                out.push_str(&format!("[redacted: {}]", category.as_str()));
            }
        }
    }
    out
}

/// What a matched term asks for: protection (the subject's, or released), redaction, or both
/// when the subject and a third party share it (protection then wins, rule 6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Hit {
    keep: bool,
    redact: Option<Category>,
}

impl Hit {
    const KEEP: Self = Self::new(true, None);

    const fn new(keep: bool, redact: Option<Category>) -> Self {
        Self { keep, redact }
    }

    fn add(&mut self, other: Self) {
        self.keep |= other.keep;
        let categories = self.redact.into_iter().chain(other.redact);
        self.redact = categories.max_by_key(|c| c.rank());
    }
}

/// What may stand between the words of a phrase (rule 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// Names: whitespace, hyphens and apostrophes ("Mary-Jane", "O'Brien").
    Name,
    /// Dates: whitespace and the separators of 04/03/2001, 2001-03-04, 04.03.2001, "March 4, 2001".
    Date,
    /// Addresses and the officer's phrases: whitespace and an address line's punctuation.
    Loose,
}

impl Gap {
    fn allows(self, gap: &str) -> bool {
        let extra = match self {
            Self::Name => "-'’‐",
            Self::Date => ",-./",
            Self::Loose => "-'’‐,.;:/()@",
        };
        gap.chars().all(|c| c.is_whitespace() || extra.contains(c))
    }
}

/// A phrase's words after the first (which indexes it) and what a match asks for.
#[derive(Debug, Clone)]
struct Phrase {
    rest: Vec<String>,
    gap: Gap,
    hit: Hit,
}

/// Terms to look for, each with what a match asks for: phrases matched word by word; compact
/// forms (letters and digits only) matched against runs of adjacent words; and whole email
/// addresses (lower case, in the same map: they hold an `@`, so no run of words matches them).
#[derive(Debug, Clone, Default)]
struct Terms {
    phrases: HashMap<String, Vec<Phrase>>,
    compact: HashMap<String, Hit>,
    max_compact: usize,
}

impl Terms {
    fn phrase(&mut self, mut words: Vec<String>, gap: Gap, hit: Hit) {
        if words.is_empty() {
            return;
        }
        let rest = words.split_off(1);
        let list = self.phrases.entry(words.swap_remove(0)).or_default();
        match list.iter_mut().find(|p| p.rest == rest && p.gap == gap) {
            Some(p) => p.hit.add(hit),
            None => list.push(Phrase { rest, gap, hit }),
        }
    }

    fn compact(&mut self, key: String, hit: Hit) {
        if !key.is_empty() {
            self.max_compact = self.max_compact.max(key.len());
            self.compact.entry(key).or_default().add(hit);
        }
    }

    /// Adds a party's terms: the subject's as protected, a third party's as redacted. The
    /// subject's name words are protected like the third parties' are redacted, so a third
    /// party's word that is also the subject's is kept (a span stops those no longer, rule 6).
    fn party(&mut self, party: &Party, subject: bool) {
        let hit = |category| Hit::new(subject, (!subject).then_some(category));
        for name in &party.names {
            let tokens = tokenise(name);
            self.phrase(keys(&tokens), Gap::Name, hit(Category::Name));
            for t in &tokens {
                let letters = name[t.start..t.end].chars().filter(|c| c.is_alphabetic());
                if letters.count() >= 3 {
                    self.phrase(vec![t.key.clone()], Gap::Name, hit(Category::Name));
                }
            }
        }
        for id in &party.identifiers {
            // An email's dots and `@` matter: it is looked up whole once found by shape.
            if id.contains('@') {
                self.compact(id.trim().to_lowercase(), hit(Category::Identifier));
                continue;
            }
            for key in compact_keys(id) {
                self.compact(key, hit(Category::Identifier));
            }
        }
        for date in &party.dates_of_birth {
            for form in date_forms(*date) {
                self.phrase(form, Gap::Date, hit(Category::DateOfBirth));
            }
        }
        for address in &party.addresses {
            let tokens = tokenise(address);
            self.phrase(keys(&tokens), Gap::Loose, hit(Category::Address));
            for part in address.split([',', ';', '\n']).map(tokenise) {
                let digit = |t: &Token| t.key.bytes().any(|b| b.is_ascii_digit());
                let word = |t: &Token| t.key.len() >= 3 && t.key.chars().all(char::is_alphabetic);
                let numbered = part.iter().any(digit) && part.iter().any(word);
                if numbered && part.len() < tokens.len() {
                    self.phrase(keys(&part), Gap::Loose, hit(Category::Address));
                }
            }
            for i in 0..tokens.len() {
                if let Some((_, key)) = postcode_at(address, &tokens, i) {
                    self.compact(key, hit(Category::Address));
                }
            }
        }
    }

    /// Every match in `text`, from each word: a hash look-up for phrases, and for compact forms
    /// runs of words no longer than the longest form, so the cost is linear in the text.
    fn scan(&self, text: &str, tokens: &[Token], found: &mut Vec<(usize, usize, Hit)>) {
        let mut buf = String::new();
        for (i, first) in tokens.iter().enumerate() {
            for p in self.phrases.get(&first.key).into_iter().flatten() {
                let last = i + p.rest.len();
                let matched = last < tokens.len()
                    && p.rest.iter().zip(i + 1..).all(|(word, j)| {
                        tokens[j].key == *word && p.gap.allows(gap(text, tokens, j))
                    });
                if matched {
                    found.push((first.start, tokens[last].end, p.hit));
                }
            }
            buf.clear();
            for (j, t) in tokens.iter().enumerate().skip(i) {
                if j > i && !compact_gap(gap(text, tokens, j)) {
                    break;
                }
                buf.push_str(&t.key);
                if buf.len() > self.max_compact {
                    break;
                }
                if let Some(hit) = self.compact.get(&buf) {
                    // "+44 7700 900123": the plus belongs to the number.
                    let plus = buf.bytes().all(|b| b.is_ascii_digit())
                        && text[..first.start].ends_with('+');
                    let start = first.start - usize::from(plus);
                    if standalone(text, start, t.end) {
                        found.push((start, t.end, *hit));
                    }
                }
            }
        }
    }
}

/// Redacted spans: (start, end, category).
type Spans = Vec<(usize, usize, Category)>;

fn redaction(&(start, end, hit): &(usize, usize, Hit)) -> Option<(usize, usize, Category)> {
    hit.redact.map(|category| (start, end, category))
}

/// The redactions not stopped by a protected span (rule 6): one overlapping a protected span at
/// least as long is dropped. Protected spans are terms, so short: only those starting within the
/// longest one's length before a redaction can overlap it.
fn unprotected(found: &[(usize, usize, Hit)]) -> Spans {
    let mut keep: Vec<_> = found
        .iter()
        .filter(|f| f.2.keep)
        .map(|f| (f.0, f.1))
        .collect();
    keep.sort_unstable();
    let longest = keep.iter().map(|(s, e)| e - s).max().unwrap_or(0);
    let stopped = |&(start, end, _): &(usize, usize, Category)| {
        let from = keep.partition_point(|k| k.0 + longest < start);
        let mut near = keep[from..].iter().take_while(|k| k.0 < end);
        near.any(|&(ks, ke)| ke > start && ke - ks >= end - start)
    };
    found
        .iter()
        .filter_map(redaction)
        .filter(|s| !stopped(s))
        .collect()
}

/// Joins overlapping redactions (rule 6): the joined span takes the category of its longest part.
fn join(mut spans: Spans) -> Spans {
    spans.sort_unstable_by_key(|&(s, e, c)| (s, Reverse(e), Reverse(c.rank())));
    let mut out: Spans = Vec::with_capacity(spans.len());
    let mut best = 0;
    for (start, end, category) in spans {
        let len = end - start;
        match out.last_mut() {
            Some(last) if start < last.1 => {
                last.1 = last.1.max(end);
                if len > best || (len == best && category.rank() > last.2.rank()) {
                    (best, last.2) = (len, category);
                }
            }
            _ => {
                out.push((start, end, category));
                best = len;
            }
        }
    }
    out
}

/// A word of a text: a maximal run of letters and digits (and combining accents), its byte
/// offsets, and its key: lower case with common Latin accents folded.
#[derive(Debug)]
struct Token {
    start: usize,
    end: usize,
    key: String,
}

fn tokenise(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut start = None;
    let ends = text.char_indices().map(Some).chain([None]);
    for next in ends {
        let word =
            next.is_some_and(|(_, c)| c.is_alphanumeric() || (start.is_some() && is_combining(c)));
        let at = next.map_or(text.len(), |(i, _)| i);
        match (word, start) {
            (true, None) => start = Some(at),
            (false, Some(s)) => {
                let key = fold(&text[s..at]);
                tokens.push(Token {
                    start: s,
                    end: at,
                    key,
                });
                start = None;
            }
            _ => {}
        }
    }
    tokens
}

fn keys(tokens: &[Token]) -> Vec<String> {
    tokens.iter().map(|t| t.key.clone()).collect()
}

fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// Accented letters and their plain forms, position by position (a test checks the lengths).
const ACCENTED: &str = "àáâãäåāăąçćčďđèéêëēėęěğìíîïīįıłñńňòóôõöøōőřśšşťţùúûüūůűýÿźżž";
const PLAIN: &str = "aaaaaaaaacccddeeeeeeeegiiiiiiilnnnoooooooorsssttuuuuuuuyyzzz";

/// Lower case with common Latin accents folded ("José" is "jose") and combining accents dropped:
/// records and free text spell the same name with and without them.
fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            c if is_combining(c) => {}
            c if c.is_ascii() => out.push(c),
            c => {
                let mut pairs = ACCENTED.chars().zip(PLAIN.chars());
                out.push(pairs.find(|p| p.0 == c).map_or(c, |p| p.1));
            }
        }
    }
    out
}

fn gap<'a>(text: &'a str, tokens: &[Token], j: usize) -> &'a str {
    &text[tokens[j - 1].end..tokens[j].start]
}

/// Between the parts of an identifier written out: "AB 12 34 56 C", "12/345678A", "(0161) 496".
fn compact_gap(gap: &str) -> bool {
    gap.chars()
        .all(|c| c.is_whitespace() || "-/.()".contains(c))
}

/// Between the groups of a phone number, on one line: spaces, hyphens, brackets; never `/`, `.`
/// or `:`, which join the parts of dates, times and references.
fn phone_gap(gap: &str) -> bool {
    gap.len() <= 3 && gap.chars().all(|c| " \t-()".contains(c))
}

/// Between the groups of a postcode or NI number: spaces, on one line.
fn tight_gap(gap: &str) -> bool {
    gap.len() <= 3 && gap.chars().all(|c| c == ' ' || c == '\t')
}

/// Whether `text[start..end]` stands alone rather than within a longer code, such as a crime
/// reference ("CR/12345/24") or an email address: not glued to a letter or digit by a joiner.
fn standalone(text: &str, start: usize, end: usize) -> bool {
    fn glued(mut chars: impl Iterator<Item = char>) -> bool {
        let joiner = chars.next().is_some_and(|c| "-/\\_.@".contains(c));
        joiner && chars.next().is_some_and(char::is_alphanumeric)
    }
    !glued(text[..start].chars().rev()) && !glued(text[end..].chars())
}

/// The compact forms an identifier is matched by: its letters and digits, and for a UK phone
/// number also 07700900123, 447700900123, 4407700900123 (+44 (0)…) and 00447700900123.
fn compact_keys(value: &str) -> Vec<String> {
    let key: String = tokenise(value).into_iter().map(|t| t.key).collect();
    if key.is_empty() {
        return Vec::new();
    }
    let mut keys = vec![key];
    let phone = PhoneNumber::parse(value).ok();
    if let Some(national) = phone.and_then(|p| p.uk_national()) {
        if let Some(n) = national.strip_prefix('0') {
            keys.extend([format!("44{n}"), format!("440{n}"), format!("0044{n}")]);
        }
        keys.push(national);
    }
    keys
}

/// The written forms of a date of birth (rule 3) as word sequences (see [`Gap::Date`]).
fn date_forms(date: Date) -> Vec<Vec<String>> {
    const MONTHS: &str = "january february march april may june july august september october \
                          november december";
    let (year, month, day) = (date.year().to_string(), date.month(), date.day());
    let nth = usize::try_from(month - 1).unwrap_or(0);
    let name = MONTHS.split(' ').nth(nth).unwrap_or_default();
    let mut words = vec![name.to_owned(), name.chars().take(3).collect()];
    if month == 9 {
        words.push("sept".to_owned());
    }
    let suffix = match (day % 10, day / 10) {
        (1, 0 | 2 | 3) => "st",
        (2, 0 | 2) => "nd",
        (3, 0 | 2) => "rd",
        _ => "th",
    };
    let ordinal = format!("{day}{suffix}");
    let days = [day.to_string(), format!("{day:02}"), ordinal];
    let mut forms = Vec::new();
    for d in &days[..2] {
        for m in [month.to_string(), format!("{month:02}")] {
            forms.push(vec![d.clone(), m.clone(), year.clone()]);
            forms.push(vec![year.clone(), m, d.clone()]);
        }
    }
    for w in &words {
        for d in &days {
            forms.push(vec![d.clone(), w.clone(), year.clone()]);
            forms.push(vec![d.clone(), "of".to_owned(), w.clone(), year.clone()]);
            forms.push(vec![w.clone(), d.clone(), year.clone()]);
        }
    }
    forms
}

/// Email addresses by shape: a local part, `@`, a domain with a dot and a top-level domain of
/// letters, not glued to other letters. Offsets fall next to ASCII bytes: char boundaries.
fn emails(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    let alphanumeric = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let mut start = at;
        while start > 0 && local(b[start - 1]) {
            start -= 1;
        }
        while start < at && b[start] == b'.' {
            start += 1;
        }
        let mut end = at + 1;
        while end < b.len() && domain(b[end]) {
            end += 1;
        }
        while end > at + 1 && (b[end - 1] == b'.' || b[end - 1] == b'-') {
            end -= 1;
        }
        let labels: Vec<&str> = text[at + 1..end].split('.').collect();
        let tld = labels.last().copied().unwrap_or_default();
        let ok = start < at
            && labels.len() >= 2
            && labels.iter().all(|l| !l.is_empty())
            && tld.len() >= 2
            && tld.bytes().all(|c| c.is_ascii_alphabetic())
            && !alphanumeric(text[..start].chars().next_back())
            && !alphanumeric(text[end..].chars().next());
        if ok {
            out.push((start, end));
        }
    }
    out
}

/// A UK phone number from word `i` (rule 4): digit groups making 10 or 11 digits from the
/// leading 0 (01 landlines may have 10; 02, 03 and 07 have 11), or after +44 or 0044 with an
/// optional (0). The longest such run wins: (start, last word).
fn phone_at(text: &str, tokens: &[Token], i: usize) -> Option<(usize, usize)> {
    let plus = text[..tokens[i].start].ends_with('+');
    let start = tokens[i].start - usize::from(plus);
    let mut digits = String::new();
    let mut best = None;
    for (j, t) in tokens.iter().enumerate().skip(i) {
        let grouped = j == i || phone_gap(gap(text, tokens, j));
        if !grouped || !t.key.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 14 {
            break;
        }
        digits.push_str(&t.key);
        if uk_phone(&digits, plus) && standalone(text, start, t.end) {
            best = Some((start, j));
        }
    }
    best
}

fn uk_phone(digits: &str, plus: bool) -> bool {
    let after_44 = digits.strip_prefix(if plus { "44" } else { "0044" });
    let national = match after_44 {
        Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
        None if plus => return false,
        None => digits.to_owned(),
    };
    match national.as_bytes() {
        [b'0', b'1', ..] => matches!(national.len(), 10 | 11),
        [b'0', b'2' | b'3' | b'7', ..] => national.len() == 11,
        _ => false,
    }
}

/// A postcode from word `i`, as one word ("SW1A1AA") or two ("SW1A 1AA"), valid by Royal
/// Mail's format: (last word, compact form).
fn postcode_at(text: &str, tokens: &[Token], i: usize) -> Option<(usize, String)> {
    let t = &tokens[i];
    // Every postcode has a digit in each half: most words are ruled out before any allocation.
    if !t.key.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(next) = tokens.get(i + 1)
        && next.key.starts_with(|c: char| c.is_ascii_digit())
        && (2..=4).contains(&t.key.len())
        && next.key.len() == 3
        && tight_gap(gap(text, tokens, i + 1))
    {
        let key = format!("{}{}", t.key, next.key);
        if Postcode::parse(&key).is_ok() {
            return Some((i + 1, key));
        }
    }
    let single = (5..=7).contains(&t.key.len()) && Postcode::parse(&t.key).is_ok();
    single.then(|| (i, t.key.clone()))
}

/// An NI number from word `i`: two letters, six digits and A–D, in up to five groups.
fn nino_at(text: &str, tokens: &[Token], i: usize) -> Option<usize> {
    // Most words are ruled out by their first three characters, before any allocation.
    let first = tokens[i].key.as_bytes();
    let letters = first.len() >= 2 && first[..2].iter().all(u8::is_ascii_alphabetic);
    if !letters || first.get(2).is_some_and(|b| !b.is_ascii_digit()) {
        return None;
    }
    let mut key = String::new();
    for (j, t) in tokens.iter().enumerate().skip(i).take(5) {
        if j > i && !tight_gap(gap(text, tokens, j)) {
            return None;
        }
        key.push_str(&t.key);
        if key.len() >= 9 {
            let b = key.as_bytes();
            let shape = b.len() == 9
                && b[..2].iter().all(u8::is_ascii_alphabetic)
                && b[2..8].iter().all(u8::is_ascii_digit)
                && (b'a'..=b'd').contains(&b[8]);
            return shape.then_some(j);
        }
    }
    None
}

#[cfg(test)]
mod tests;

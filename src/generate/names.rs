//! Plausible show titles from word lists, flavoured by genre and unique
//! within a catalog.

use std::collections::HashSet;

use rand::Rng;
use rand_pcg::Pcg64Mcg;

const ADJECTIVES: &[&str] = &[
    "Last", "Silent", "Broken", "Hidden", "Golden", "Crimson", "Wild", "Lost", "Midnight",
    "Northern", "Secret", "Burning", "Frozen", "Bright", "Dark", "Little", "Endless", "Savage",
    "Quiet", "Electric", "Fallen", "Restless", "Wicked", "Hollow", "Royal", "Stolen", "Perfect",
    "Distant", "Velvet", "Iron",
];
const NOUNS: &[&str] = &[
    "Harbor",
    "Kingdom",
    "Signal",
    "Orchard",
    "River",
    "Empire",
    "Garden",
    "Witness",
    "Frontier",
    "Promise",
    "Tide",
    "Circle",
    "Station",
    "Crown",
    "Shadow",
    "Lighthouse",
    "Border",
    "Heist",
    "Island",
    "Academy",
    "Verdict",
    "Echo",
    "Storm",
    "Summer",
    "Mirror",
    "Valley",
    "Bridge",
    "Archive",
    "Compass",
    "Hotel",
];
const PLACES: &[&str] = &[
    "Lisbon",
    "Kyoto",
    "Bogotá",
    "Oslo",
    "Marseille",
    "Seoul",
    "Lagos",
    "Havana",
    "Sicily",
    "Berlin",
    "Manila",
    "Texas",
    "Mumbai",
    "Patagonia",
    "Glasgow",
    "Cairo",
];
const NAMES: &[&str] = &[
    "Mara", "Elena", "Kenji", "Lucas", "Amara", "Sofia", "Diego", "Ingrid", "Tomás", "Priya",
    "Hana", "Olu", "Nadia", "Felix",
];
const KIDS_WORDS: &[&str] = &[
    "Bubbles", "Dino", "Rocket", "Panda", "Sprout", "Pixel", "Bunny", "Robo", "Puddle", "Comet",
];
const KIDS_NOUNS: &[&str] = &[
    "Friends",
    "Adventures",
    "Squad",
    "Academy",
    "Club",
    "Island",
    "Rangers",
    "Party",
];

fn pick<'a>(words: &[&'a str], rng: &mut Pcg64Mcg) -> &'a str {
    words[rng.random_range(0..words.len())]
}

/// An English plural of the nouns above: Compass → Compasses, Echo →
/// Echoes, Academy → Academies, Valley → Valleys, Tide → Tides.
fn plural(noun: &str) -> String {
    let after_consonant =
        |c: char| noun.ends_with(c) && !noun[..noun.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    let consonant_y = after_consonant('y');
    if ["s", "x", "ch", "sh"].iter().any(|e| noun.ends_with(e)) || after_consonant('o') {
        format!("{noun}es")
    } else if consonant_y {
        format!("{}ies", &noun[..noun.len() - 1])
    } else {
        format!("{noun}s")
    }
}

fn title(genre: &str, rng: &mut Pcg64Mcg) -> String {
    if genre == super::world::KIDS {
        return format!("{} {}", pick(KIDS_WORDS, rng), pick(KIDS_NOUNS, rng));
    }
    match rng.random_range(0..6) {
        0 => format!("The {} {}", pick(ADJECTIVES, rng), pick(NOUNS, rng)),
        1 => format!("{} of {}", pick(NOUNS, rng), pick(PLACES, rng)),
        2 => format!("{}'s {}", pick(NAMES, rng), pick(NOUNS, rng)),
        3 => format!("{} {}", pick(ADJECTIVES, rng), plural(pick(NOUNS, rng))),
        4 if genre == "Documentary" => format!("Inside the {}", pick(NOUNS, rng)),
        4 => format!("{}: {}", pick(PLACES, rng), pick(NOUNS, rng)),
        _ => format!("The {}", pick(NOUNS, rng)),
    }
}

/// A title not in `taken` (which it is added to); a numeral settles the rare
/// clash, like a sequel.
pub fn unique_title(genre: &str, taken: &mut HashSet<String>, rng: &mut Pcg64Mcg) -> String {
    for _ in 0..20 {
        let t = title(genre, rng);
        if taken.insert(t.clone()) {
            return t;
        }
    }
    let base = title(genre, rng);
    (2..)
        .map(|n| format!("{base} {n}"))
        .find(|t| taken.insert(t.clone()))
        .expect("some numeral is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_are_english() {
        let got: Vec<String> = ["Compass", "Witness", "Academy", "Valley", "Tide", "Echo"]
            .iter()
            .map(|n| plural(n))
            .collect();
        assert_eq!(
            got,
            [
                "Compasses",
                "Witnesses",
                "Academies",
                "Valleys",
                "Tides",
                "Echoes"
            ]
        );
    }
}

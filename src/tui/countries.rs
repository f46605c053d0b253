//! The country list's state: every country (by name once the names have
//! loaded), the view of it a fuzzy filter leaves (nucleo-matcher, on
//! "code name"), the cursor and the scroll offset.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

/// The country list: every country (by name once names are known), the
/// filtered view of it, and the cursor.
#[derive(Debug, Clone, Default)]
pub struct CountryList {
    /// (code, name), sorted by name.
    pub all: Vec<(String, String)>,
    /// Indices into `all` shown, best match first when filtering.
    pub view: Vec<usize>,
    /// Index into `view`.
    pub cursor: usize,
    pub offset: usize,
    pub filter: String,
    /// Whether keys type into the filter.
    pub editing: bool,
}

impl CountryList {
    /// The code under the cursor.
    pub fn cursor_code(&self) -> Option<&str> {
        self.view.get(self.cursor).map(|&i| self.all[i].0.as_str())
    }

    /// Whether the filter line is drawn above the list.
    pub fn shows_filter(&self) -> bool {
        self.editing || !self.filter.is_empty()
    }

    /// Recompute the view from the filter, keeping the cursor's country.
    pub fn refilter(&mut self) {
        let keep = self.cursor_code().map(str::to_string);
        if self.filter.is_empty() {
            self.view = (0..self.all.len()).collect();
        } else {
            let mut matcher = Matcher::new(Config::DEFAULT);
            let pattern = Pattern::parse(&self.filter, CaseMatching::Ignore, Normalization::Smart);
            let hay: Vec<(usize, String)> = self
                .all
                .iter()
                .enumerate()
                .map(|(i, (code, name))| (i, format!("{code} {name}")))
                .collect();
            let items: Vec<IndexedStr<'_>> = hay.iter().map(|(i, s)| IndexedStr(*i, s)).collect();
            self.view = pattern
                .match_list(items, &mut matcher)
                .into_iter()
                .map(|(item, _)| item.0)
                .collect();
        }
        self.cursor = keep
            .and_then(|k| self.view.iter().position(|&i| self.all[i].0 == k))
            .unwrap_or(0);
    }

    /// Put the cursor on `code` if it is shown.
    pub fn point_at(&mut self, code: &str) {
        if let Some(p) = self.view.iter().position(|&i| self.all[i].0 == code) {
            self.cursor = p;
        }
    }
}

/// A haystack string that remembers its index.
struct IndexedStr<'a>(usize, &'a str);

impl AsRef<str> for IndexedStr<'_> {
    fn as_ref(&self) -> &str {
        self.1
    }
}

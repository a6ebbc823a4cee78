//! Helpers shared by the unit tests of several modules (test builds only).

/// A small deterministic generator (xorshift), so generated test inputs — and any failure they
/// find — are the same on every run.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// One of `items`.
    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// One of `rare` one time in `n`, else one of `common`.
    pub(crate) fn either<'a>(&mut self, common: &[&'a str], rare: &[&'a str], n: usize) -> &'a str {
        if self.one_in(n) {
            self.pick(rare)
        } else {
            self.pick(common)
        }
    }

    /// True one time in `n`.
    pub(crate) fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

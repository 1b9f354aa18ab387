//! First-fit search over the parcels being filled by combined packing
//! ([`PackingStrategy::Combined`](super::PackingStrategy::Combined)).
//!
//! Scanning every open parcel for each line item made packing quadratic in the number of line
//! items; [`Rooms`] finds the first parcel, in the order they were opened, with room for the
//! item in O(log n).

use rust_decimal::Decimal;

/// The room left in each open parcel, in opening order, kept in a segment tree of each span's
/// least and greatest room.
///
/// A search takes a `fits(room)` test whose failures form an interval of rooms (with `least`
/// and `greatest` in a span both failing, every room between them fails too), so a span holds
/// a parcel that fits exactly when its least or its greatest room fits. "Room for one more
/// unit" is such a test: it only depends on `room ÷ unit` rounded down, which never decreases
/// as the room grows.
#[derive(Default)]
pub(super) struct Rooms {
    /// Leaves in the tree: a power of two, or 0 before the first parcel.
    width: usize,
    /// Open parcels.
    len: usize,
    /// Least room of each node's span; node 1 is the root, leaves start at `width`.
    least: Vec<Decimal>,
    /// Greatest room of each node's span.
    greatest: Vec<Decimal>,
}

impl Rooms {
    /// Opens a parcel with `room` left, after the others.
    pub(super) fn push(&mut self, room: Decimal) {
        if self.len == self.width {
            self.grow();
        }
        self.len += 1;
        self.set(self.len - 1, room);
    }

    /// Parcel `index` now has `room` left.
    pub(super) fn set(&mut self, index: usize, room: Decimal) {
        let mut node = self.width + index;
        self.least[node] = room;
        self.greatest[node] = room;
        while node > 1 {
            node /= 2;
            self.pull(node);
        }
    }

    /// The first parcel at or after `from` whose room `fits` (see [`Rooms`] for what `fits`
    /// must be).
    pub(super) fn first_from(&self, from: usize, fits: impl Fn(Decimal) -> bool) -> Option<usize> {
        if from >= self.len {
            return None;
        }
        self.search(1, 0, self.width, from, &fits)
    }

    fn search(
        &self,
        node: usize,
        start: usize,
        end: usize,
        from: usize,
        fits: &impl Fn(Decimal) -> bool,
    ) -> Option<usize> {
        if end <= from || start >= self.len {
            return None;
        }
        let (least, greatest) = (self.least[node], self.greatest[node]);
        if !fits(greatest) && (least == greatest || !fits(least)) {
            return None;
        }
        if end - start == 1 {
            return Some(start);
        }
        let middle = start + (end - start) / 2;
        self.search(2 * node, start, middle, from, fits)
            .or_else(|| self.search(2 * node + 1, middle, end, from, fits))
    }

    /// Doubles the leaves; unused leaves are neutral (least `MAX`, greatest `MIN`).
    fn grow(&mut self) {
        let width = (2 * self.width).max(1);
        let mut least = vec![Decimal::MAX; 2 * width];
        let mut greatest = vec![Decimal::MIN; 2 * width];
        least[width..width + self.len].copy_from_slice(&self.least[self.width..][..self.len]);
        greatest[width..width + self.len].copy_from_slice(&self.greatest[self.width..][..self.len]);
        (self.width, self.least, self.greatest) = (width, least, greatest);
        for node in (1..width).rev() {
            self.pull(node);
        }
    }

    fn pull(&mut self, node: usize) {
        self.least[node] = self.least[2 * node].min(self.least[2 * node + 1]);
        self.greatest[node] = self.greatest[2 * node].max(self.greatest[2 * node + 1]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_span_that_fits_from_a_start() {
        let mut rooms = Rooms::default();
        for room in [0, 5, 1, 7, 0, 3] {
            rooms.push(Decimal::from(room));
        }
        let at_least = |n: i64| move |room: Decimal| room >= Decimal::from(n);
        assert_eq!(rooms.first_from(0, at_least(1)), Some(1));
        assert_eq!(rooms.first_from(2, at_least(1)), Some(2));
        assert_eq!(rooms.first_from(2, at_least(4)), Some(3));
        assert_eq!(rooms.first_from(4, at_least(4)), None);
        assert_eq!(rooms.first_from(6, at_least(0)), None);
        rooms.set(3, Decimal::ZERO);
        assert_eq!(rooms.first_from(0, at_least(6)), None);
        assert_eq!(rooms.first_from(0, at_least(4)), Some(1));
        // Failures in the middle of the range (here: exactly 0 fails) are found at both ends.
        let not_zero = |room: Decimal| !room.is_zero();
        assert_eq!(rooms.first_from(3, not_zero), Some(5));
        assert_eq!(Rooms::default().first_from(0, at_least(0)), None);
    }
}

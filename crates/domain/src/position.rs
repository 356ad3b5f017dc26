//! [`Position`]: where a list sits among the lists, or a task among its
//! siblings, in the order the user chose by hand.
//!
//! Fractional indexing: a position is a text key, and keys compare bytewise
//! (PostgreSQL `COLLATE "C"`), so a key can always be made between two
//! neighbours and a move rewrites one row. The keys follow David Greenspan's
//! scheme (the `fractional-indexing` npm package): an integer part whose
//! first character encodes its length (`a0` … `az`, `b00` … `bzz`, …, and
//! `Z…`, `Y…` downwards), then an optional fraction in base 62 that never
//! ends in `0`. Appending at the end only increments the integer part, so
//! 10,000 appended tasks have keys of at most 4 characters; inserting
//! between two neighbours again and again lengthens the fraction, which is
//! what [`Position::is_long`] and [`Position::spread`] (rebalancing) are for.
//!
//! The crates.io `fractional_index` crate was considered: its
//! `new_between` overflows (a panic in debug builds, a wrong key in release)
//! for keys that repeated moves to the top produce, so this small module is
//! used instead.

use std::fmt;

/// The base-62 digits in ASCII (hence bytewise) order.
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE: usize = DIGITS.len();

/// The smallest integer part, `A` and 26 zeros: nothing can sort before a
/// key made of it alone, so it is not a valid key.
const SMALLEST_INTEGER: &str = "A00000000000000000000000000";

/// A fractional-index key. Valid by construction: only [`Position::parse`]
/// and the generators below make one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PositionError {
    #[error("is not a valid position key")]
    Invalid,
    /// `between` was asked for a key between two keys that are not in
    /// strictly increasing order.
    #[error("the bounds are not in increasing order")]
    OutOfOrder,
    /// No key exists before the smallest integer part or after the largest
    /// (unreachable in practice: 26 base-62 digits each way).
    #[error("no key exists beyond this one")]
    Exhausted,
}

impl Position {
    /// Keys longer than this make sorting and the index slower for no
    /// reason: the siblings get fresh keys ([`Position::spread`]).
    pub const REBALANCE_ABOVE: usize = 32;

    /// Accepts a key as stored.
    ///
    /// # Errors
    /// [`PositionError::Invalid`] for anything the generators could not
    /// have made.
    pub fn parse(raw: &str) -> Result<Self, PositionError> {
        let bytes = raw.as_bytes();
        let integer = integer_part(bytes).ok_or(PositionError::Invalid)?;
        if raw == SMALLEST_INTEGER {
            return Err(PositionError::Invalid);
        }
        let fraction = &bytes[integer.len()..];
        if bytes.iter().any(|b| digit_value(*b).is_none()) || fraction.last() == Some(&b'0') {
            return Err(PositionError::Invalid);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The key of the first item of an empty sequence.
    pub fn first() -> Self {
        Self("a0".to_owned())
    }

    /// A key after this one; short when this one has no fraction.
    ///
    /// # Errors
    /// [`PositionError::Exhausted`] after the largest integer part with no
    /// room left (never reached in practice).
    pub fn after(&self) -> Result<Self, PositionError> {
        Self::between(Some(self), None)
    }

    /// A key before this one.
    ///
    /// # Errors
    /// [`PositionError::Exhausted`] before the smallest key.
    pub fn before(&self) -> Result<Self, PositionError> {
        Self::between(None, Some(self))
    }

    /// A key strictly between `lower` and `upper` (either may be open).
    ///
    /// # Errors
    /// [`PositionError::OutOfOrder`] unless `lower < upper`;
    /// [`PositionError::Exhausted`] when no key exists there.
    pub fn between(lower: Option<&Self>, upper: Option<&Self>) -> Result<Self, PositionError> {
        let key = match (lower, upper) {
            (None, None) => b"a0".to_vec(),
            (None, Some(b)) => {
                let b = b.0.as_bytes();
                let ib = integer_part(b).ok_or(PositionError::Invalid)?;
                let fb = &b[ib.len()..];
                if ib == SMALLEST_INTEGER.as_bytes() {
                    concat(ib, &midpoint(&[], Some(fb))?)
                } else if !fb.is_empty() {
                    ib.to_vec()
                } else {
                    let previous = decrement_integer(ib).ok_or(PositionError::Exhausted)?;
                    if previous == SMALLEST_INTEGER.as_bytes() {
                        // Not a valid key on its own.
                        concat(&previous, b"V")
                    } else {
                        previous
                    }
                }
            }
            (Some(a), None) => {
                let a = a.0.as_bytes();
                let ia = integer_part(a).ok_or(PositionError::Invalid)?;
                let fa = &a[ia.len()..];
                match increment_integer(ia) {
                    Some(next) => next,
                    None => concat(ia, &midpoint(fa, None)?),
                }
            }
            (Some(a), Some(b)) => {
                if a >= b {
                    return Err(PositionError::OutOfOrder);
                }
                let (a, b) = (a.0.as_bytes(), b.0.as_bytes());
                let ia = integer_part(a).ok_or(PositionError::Invalid)?;
                let fa = &a[ia.len()..];
                let ib = integer_part(b).ok_or(PositionError::Invalid)?;
                let fb = &b[ib.len()..];
                if ia == ib {
                    concat(ia, &midpoint(fa, Some(fb))?)
                } else {
                    match increment_integer(ia) {
                        Some(next) if next.as_slice() < b => next,
                        Some(_) => concat(ia, &midpoint(fa, None)?),
                        None => return Err(PositionError::Exhausted),
                    }
                }
            }
        };
        // Only ASCII digits were ever pushed.
        String::from_utf8(key)
            .map(Self)
            .map_err(|_| PositionError::Invalid)
    }

    /// `count` keys in increasing order from [`Position::first`], each the
    /// shortest after the previous: fresh keys for a whole set of siblings.
    pub fn spread(count: usize) -> impl Iterator<Item = Self> {
        std::iter::successors(Some(Self::first()), |previous| previous.after().ok()).take(count)
    }

    /// Whether this key has grown long enough that its siblings should be
    /// rebalanced.
    pub fn is_long(&self) -> bool {
        self.0.len() > Self::REBALANCE_ABOVE
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn digit_value(byte: u8) -> Option<usize> {
    DIGITS.iter().position(|d| *d == byte)
}

fn digit(value: usize) -> Option<u8> {
    DIGITS.get(value).copied()
}

/// How many characters the integer part headed by `head` has.
fn integer_length(head: u8) -> Option<usize> {
    match head {
        b'a'..=b'z' => Some(usize::from(head - b'a') + 2),
        b'A'..=b'Z' => Some(usize::from(b'Z' - head) + 2),
        _ => None,
    }
}

fn integer_part(key: &[u8]) -> Option<&[u8]> {
    let length = integer_length(*key.first()?)?;
    key.get(..length)
}

fn concat(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    out.extend_from_slice(a);
    out.extend_from_slice(b);
    out
}

/// A fraction strictly between `a` and `b` (`None`: 1), where `a < b`, `a`
/// may be empty (0) and neither ends in `0`.
fn midpoint(a: &[u8], b: Option<&[u8]>) -> Result<Vec<u8>, PositionError> {
    if let Some(b) = b {
        // The common prefix, reading a missing digit of `a` as 0.
        let common = b
            .iter()
            .enumerate()
            .take_while(|(i, d)| a.get(*i).copied().unwrap_or(b'0') == **d)
            .count();
        if common == b.len() {
            return Err(PositionError::OutOfOrder);
        }
        if common > 0 {
            let rest = midpoint(a.get(common..).unwrap_or(&[]), Some(&b[common..]))?;
            return Ok(concat(&b[..common], &rest));
        }
    }
    let digit_a = match a.first() {
        Some(d) => digit_value(*d).ok_or(PositionError::Invalid)?,
        None => 0,
    };
    let digit_b = match b.and_then(<[u8]>::first) {
        Some(d) => digit_value(*d).ok_or(PositionError::Invalid)?,
        None => BASE,
    };
    if digit_b <= digit_a {
        return Err(PositionError::OutOfOrder);
    }
    if digit_b - digit_a > 1 {
        let middle = (digit_a + digit_b).div_ceil(2);
        return Ok(vec![digit(middle).ok_or(PositionError::Invalid)?]);
    }
    // Consecutive first digits.
    match b {
        Some(b) if b.len() > 1 => Ok(b[..1].to_vec()),
        _ => {
            let rest = midpoint(a.get(1..).unwrap_or(&[]), None)?;
            Ok(concat(
                &[digit(digit_a).ok_or(PositionError::Invalid)?],
                &rest,
            ))
        }
    }
}

/// The next integer part, `None` after the largest (`z` and 26 `z`s).
fn increment_integer(integer: &[u8]) -> Option<Vec<u8>> {
    let (&head, digits) = integer.split_first()?;
    let mut digits = digits.to_vec();
    for d in digits.iter_mut().rev() {
        let value = digit_value(*d)? + 1;
        if value < BASE {
            *d = digit(value)?;
            return Some(concat(&[head], &digits));
        }
        *d = b'0';
    }
    // Every digit carried: the next length.
    match head {
        b'Z' => Some(b"a0".to_vec()),
        b'z' => None,
        _ => {
            let head = head + 1;
            if head > b'a' {
                digits.push(b'0');
            } else {
                digits.pop();
            }
            Some(concat(&[head], &digits))
        }
    }
}

/// The previous integer part, `None` before the smallest.
fn decrement_integer(integer: &[u8]) -> Option<Vec<u8>> {
    let (&head, digits) = integer.split_first()?;
    let mut digits = digits.to_vec();
    for d in digits.iter_mut().rev() {
        let value = digit_value(*d)?;
        if value > 0 {
            *d = digit(value - 1)?;
            return Some(concat(&[head], &digits));
        }
        *d = b'z';
    }
    match head {
        b'a' => Some(b"Zz".to_vec()),
        b'A' => None,
        _ => {
            let head = head - 1;
            if head < b'Z' {
                digits.push(b'z');
            } else {
                digits.pop();
            }
            Some(concat(&[head], &digits))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Position {
        Position::parse(s).unwrap()
    }

    fn between(a: Option<&str>, b: Option<&str>) -> String {
        Position::between(a.map(p).as_ref(), b.map(p).as_ref())
            .unwrap()
            .0
    }

    #[test]
    fn matches_the_reference_implementation() {
        // Expected values from the fractional-indexing npm package's tests.
        assert_eq!(between(None, None), "a0");
        assert_eq!(between(None, Some("a0")), "Zz");
        assert_eq!(between(None, Some("Zz")), "Zy");
        assert_eq!(between(Some("a0"), None), "a1");
        assert_eq!(between(Some("a1"), None), "a2");
        assert_eq!(between(Some("a0"), Some("a1")), "a0V");
        assert_eq!(between(Some("a1"), Some("a2")), "a1V");
        assert_eq!(between(Some("a0V"), Some("a1")), "a0l");
        assert_eq!(between(Some("Zz"), Some("a0")), "ZzV");
        assert_eq!(between(Some("Zz"), Some("a1")), "a0");
        assert_eq!(between(None, Some("Y00")), "Xzzz");
        assert_eq!(between(Some("bzz"), None), "c000");
        assert_eq!(between(Some("a0"), Some("a0V")), "a0G");
        assert_eq!(between(Some("a0"), Some("a0G")), "a08");
        assert_eq!(between(Some("b125"), Some("b129")), "b127");
        assert_eq!(between(Some("a0"), Some("a1V")), "a1");
        assert_eq!(between(Some("Zz"), Some("a01")), "a0");
        assert_eq!(between(None, Some("a0V")), "a0");
        assert_eq!(between(None, Some("b999")), "b99");
        assert_eq!(between(Some("az"), None), "b00");
        assert_eq!(
            between(Some("zzzzzzzzzzzzzzzzzzzzzzzzzzy"), None),
            "zzzzzzzzzzzzzzzzzzzzzzzzzzz"
        );
        assert_eq!(
            between(Some("zzzzzzzzzzzzzzzzzzzzzzzzzzz"), None),
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzV"
        );
        assert_eq!(
            between(None, Some("A000000000000000000000000001")),
            "A000000000000000000000000000V"
        );
        assert_eq!(
            between(None, Some("A00000000000000000000000001")),
            "A00000000000000000000000000V"
        );
    }

    #[test]
    fn rejects_invalid_keys_and_bad_bounds() {
        for bad in [
            "",
            "a",
            "a00",
            "a0 ",
            "A00000000000000000000000000",
            "0",
            "b1",
            "a0-",
        ] {
            assert_eq!(Position::parse(bad), Err(PositionError::Invalid), "{bad:?}");
        }
        assert_eq!(
            Position::between(Some(&p("a1")), Some(&p("a0"))),
            Err(PositionError::OutOfOrder)
        );
        assert_eq!(
            Position::between(Some(&p("a1")), Some(&p("a1"))),
            Err(PositionError::OutOfOrder)
        );
    }

    #[test]
    fn appending_keeps_keys_short() {
        let keys: Vec<_> = Position::spread(10_000).collect();
        assert_eq!(keys.len(), 10_000);
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(keys.iter().all(|k| k.as_str().len() <= 4 && !k.is_long()));
        assert_eq!(keys[62].as_str(), "b00");
    }

    /// The migration's backfill (`pg_temp.position_key`) writes the same
    /// sequence: a0 … az, b00 … bzz, c000.
    #[test]
    fn spread_is_the_migrations_sequence() {
        let keys: Vec<_> = Position::spread(62 + 3844 + 1).collect();
        assert_eq!(keys[61].as_str(), "az");
        assert_eq!(keys[62 + 3843].as_str(), "bzz");
        assert_eq!(keys[62 + 3844].as_str(), "c000");
    }

    #[test]
    fn any_sequence_of_inserts_stays_strictly_ordered_and_valid() {
        // A deterministic pseudo-random walk of inserts at the front, the
        // back and between neighbours, including the worst case of always
        // inserting at the same place.
        let mut keys = vec![Position::first()];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for round in 0..3000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = if round % 5 == 0 {
                1
            } else {
                usize::try_from(seed % (keys.len() as u64 + 1)).unwrap()
            };
            let lower = at.checked_sub(1).map(|i| &keys[i]);
            let upper = keys.get(at);
            let key = Position::between(lower, upper).unwrap();
            assert!(lower.is_none_or(|l| *l < key) && upper.is_none_or(|u| key < *u));
            assert_eq!(Position::parse(key.as_str()).as_ref(), Ok(&key));
            keys.insert(at, key);
        }
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn repeated_moves_to_the_top_never_fail() {
        // The case that breaks the fractional_index crate.
        let mut top = Position::first();
        for _ in 0..300 {
            let next = top.before().unwrap();
            assert!(next < top);
            let between = Position::between(Some(&next), Some(&top)).unwrap();
            assert!(next < between && between < top);
            top = next;
        }
    }

    #[test]
    fn squeezing_between_neighbours_grows_keys_until_rebalanced() {
        let (low, mut high) = (Position::first(), Position::first().after().unwrap());
        for _ in 0..200 {
            high = Position::between(Some(&low), Some(&high)).unwrap();
        }
        assert!(high.is_long());
    }
}

//! A bounded cache of tokens that passed every check, so a client that
//! reuses its token (Better Auth's are good for 15 minutes) is not
//! signature-checked on every request.
//!
//! Safety rests on three rules: entries are keyed by the SHA-256 of the
//! exact token text, so any change to the token misses; an entry is used
//! only inside the token's own validity window, so it never outlives `exp`;
//! and each cache belongs to one loaded key set and is dropped with it, so
//! no entry survives a key refresh, let alone a removed key.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, PoisonError};

use aws_lc_rs::digest;
use domain::Principal;

use crate::claims::ValidityWindow;

/// At most this many tokens per key set (a few MiB at worst).
const CAPACITY: usize = 16 * 1024;
/// Independent locks, so concurrent requests rarely meet on one.
const SHARDS: usize = 16;
const PER_SHARD: usize = CAPACITY / SHARDS;

pub(crate) type TokenDigest = [u8; 32];

/// The key is already a SHA-256 digest, uniformly spread and not steerable
/// by whoever sends tokens, so its own bits serve as the table hash instead
/// of hashing it again with SipHash. Bytes 8..16 are used because byte 0
/// picks the shard: every key in a shard shares it.
#[derive(Debug, Default)]
struct DigestBits(u64);

impl Hasher for DigestBits {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // `[u8; 32]` hashes its length first (through `write_usize`), then
        // its bytes here; only the digest bytes count.
        if let Some(bits) = bytes.get(8..16).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
            self.0 = u64::from_le_bytes(bits);
        }
    }

    fn write_usize(&mut self, _length_prefix: usize) {}
}

type DigestMap = HashMap<TokenDigest, Entry, BuildHasherDefault<DigestBits>>;

pub(crate) fn digest_of(token: &str) -> TokenDigest {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, token.as_bytes()).as_ref());
    out
}

#[derive(Debug)]
struct Entry {
    principal: Principal,
    window: ValidityWindow,
}

#[derive(Debug)]
pub(crate) struct VerifiedTokens {
    shards: Vec<Mutex<DigestMap>>,
}

impl Default for VerifiedTokens {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS)
                .map(|_| Mutex::new(DigestMap::default()))
                .collect(),
        }
    }
}

impl VerifiedTokens {
    fn shard(&self, digest: &TokenDigest) -> std::sync::MutexGuard<'_, DigestMap> {
        let index = usize::from(digest[0]) % self.shards.len();
        // No code panics while holding a shard, and a half-updated map is
        // still a valid map; poisoning carries no meaning here.
        self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The principal of a token verified earlier, if `now` is inside its
    /// validity window.
    pub(crate) fn get(&self, digest: &TokenDigest, now: i64) -> Option<Principal> {
        let mut shard = self.shard(digest);
        let entry = shard.get(digest)?;
        if entry.window.contains(now) {
            return Some(entry.principal.clone());
        }
        if now > entry.window.until {
            shard.remove(digest);
        }
        None
    }

    pub(crate) fn insert(
        &self,
        digest: TokenDigest,
        principal: Principal,
        window: ValidityWindow,
        now: i64,
    ) {
        let mut shard = self.shard(&digest);
        if shard.len() >= PER_SHARD && !shard.contains_key(&digest) {
            shard.retain(|_, entry| entry.window.until >= now);
            if shard.len() >= PER_SHARD {
                // Full of live tokens: drop an arbitrary one (the table's
                // order follows digests of tokens outsiders do not hold, so
                // they cannot pick the victim).
                if let Some(victim) = shard.keys().next().copied() {
                    shard.remove(&victim);
                }
            }
        }
        shard.insert(digest, Entry { principal, window });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        (0..self.shards.len())
            .map(|i| self.shards[i].lock().map_or(0, |s| s.len()))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use domain::UserId;

    use super::*;

    fn principal() -> Principal {
        Principal::new(UserId::parse("33e85bcb-82d5-4511-b8fc-1f6806a44a90").unwrap())
    }

    const WINDOW: ValidityWindow = ValidityWindow {
        from: 100,
        until: 200,
    };

    #[test]
    fn a_token_is_served_only_inside_its_window() {
        let cache = VerifiedTokens::default();
        let digest = digest_of("a.b.c");
        cache.insert(digest, principal(), WINDOW, 150);
        assert_eq!(cache.get(&digest, 100), Some(principal()));
        assert_eq!(cache.get(&digest, 200), Some(principal()));
        assert_eq!(cache.get(&digest, 99), None);
        assert_eq!(cache.get(&digest, 201), None);
        // Once past its end, the entry is gone for good.
        assert_eq!(cache.get(&digest, 150), None);
    }

    #[test]
    fn any_change_to_the_token_misses() {
        let cache = VerifiedTokens::default();
        cache.insert(digest_of("a.b.c"), principal(), WINDOW, 150);
        assert_eq!(cache.get(&digest_of("a.b.C"), 150), None);
        assert_eq!(cache.get(&digest_of("a.b.c "), 150), None);
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = VerifiedTokens::default();
        for i in 0..CAPACITY * 2 {
            cache.insert(digest_of(&i.to_string()), principal(), WINDOW, 150);
        }
        assert!(cache.len() <= CAPACITY, "{}", cache.len());
        assert!(cache.len() >= CAPACITY / 2, "{}", cache.len());
    }

    #[test]
    fn the_table_hash_is_the_digest_bits_after_the_shard_byte() {
        use std::hash::{BuildHasher, Hash};
        let digest = digest_of("a.b.c");
        let mut hasher = BuildHasherDefault::<DigestBits>::default().build_hasher();
        digest.hash(&mut hasher);
        let mut expected = [0u8; 8];
        expected.copy_from_slice(&digest[8..16]);
        assert_eq!(hasher.finish(), u64::from_le_bytes(expected));
        assert_ne!(
            hasher.finish(),
            BuildHasherDefault::<DigestBits>::default().hash_one(digest_of("a.b.d"))
        );
    }

    #[test]
    fn expired_entries_make_room_first() {
        let cache = VerifiedTokens::default();
        let old = ValidityWindow { from: 0, until: 50 };
        // Enough to fill every shard.
        for i in 0..CAPACITY * 2 {
            cache.insert(digest_of(&i.to_string()), principal(), old, 10);
        }
        assert_eq!(cache.len(), CAPACITY);
        let fresh = digest_of("fresh");
        cache.insert(fresh, principal(), WINDOW, 150);
        assert_eq!(cache.get(&fresh, 150), Some(principal()));
        // Its shard dropped every expired entry rather than one live one.
        assert_eq!(cache.len(), CAPACITY - PER_SHARD + 1);
    }
}

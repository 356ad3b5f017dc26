//! Rate limits (OWASP API4), as token buckets (governor's GCRA):
//!
//! - **per user** on the task routes, keyed by the authenticated user id:
//!   `RATE_LIMIT_PER_SECOND` refill, `RATE_LIMIT_BURST` bucket;
//! - **per client address** on requests that fail authentication (401):
//!   `AUTH_FAILURE_LIMIT_PER_MINUTE`, `AUTH_FAILURE_LIMIT_BURST`. IPv6
//!   addresses count per /64, what one client usually holds.
//!
//! Check order (`auth.rs`): an address that has used up its failure budget
//! gets 429 *before* its token is looked at, valid or not, until the budget
//! refills: its guesses cost no signature check and tell it nothing. Then
//! the token is verified; a failure takes from the address's budget (401,
//! or 429 when that was the last of it). A verified user then takes from
//! their own bucket (429 when empty), before the 403 ownership check.
//!
//! Answers carry the IETF httpapi RateLimit fields (draft-ietf-httpapi-
//! ratelimit-headers-11, structured fields): `RateLimit-Policy:
//! "user";q=<burst>;w=<seconds to refill the whole burst>` and `RateLimit:
//! "user";r=<requests left>;t=<seconds until the bucket is full again, or,
//! when r=0, until the next request is allowed>`; 429 also has `Retry-After`.
//! The address policy is named `"auth-failures"`.
//!
//! Memory: both keyed stores forget keys whose bucket is full again when
//! [`RateLimits::purge`] runs (every minute, from `server.rs`), so they hold
//! only keys active within about one refill window.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::http::header::{self, HeaderName, HeaderValue};
use domain::UserId;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::http::problem::{Problem, ProblemKind};

pub const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

/// The limits, as configured (`config/default.toml` has the defaults); 0
/// as a rate switches that limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    pub per_user_per_second: u32,
    pub per_user_burst: u32,
    pub auth_failures_per_minute: u32,
    pub auth_failures_burst: u32,
}

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// One limit: the keyed buckets, and its `RateLimit-Policy` value.
struct Policy<K: std::hash::Hash + Eq + Clone> {
    name: &'static str,
    limiter: Keyed<K>,
    quota: Quota,
    policy_header: HeaderValue,
}

fn ceil_secs(duration: Duration) -> u64 {
    let secs = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        secs + 1
    } else {
        secs
    }
}

/// A policy's state after a request, for the `RateLimit` field.
#[derive(Debug, Clone)]
pub struct Outcome {
    policy: HeaderValue,
    state: HeaderValue,
}

impl Outcome {
    /// Adds `RateLimit-Policy` and `RateLimit` to `headers`, unless an
    /// answer already has them.
    pub fn apply(&self, headers: &mut actix_web::http::header::HeaderMap) {
        if !headers.contains_key(RATELIMIT) {
            headers.insert(RATELIMIT_POLICY, self.policy.clone());
            headers.insert(RATELIMIT, self.state.clone());
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> Policy<K> {
    fn new(name: &'static str, quota: Quota) -> Self {
        let window = ceil_secs(quota.burst_size_replenished_in()).max(1);
        let policy = format!("\"{name}\";q={};w={window}", quota.burst_size());
        Self {
            name,
            limiter: RateLimiter::dashmap(quota).with_middleware::<StateInformationMiddleware>(),
            quota,
            policy_header: HeaderValue::from_str(&policy)
                .unwrap_or_else(|_| HeaderValue::from_static("")),
        }
    }

    fn state(&self, remaining: u32, reset: Duration) -> HeaderValue {
        let value = format!("\"{}\";r={remaining};t={}", self.name, ceil_secs(reset));
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// Takes one request from `key`'s bucket: `Ok` with the state to report
    /// and the requests left, or `Err` with the time until the next request
    /// is allowed.
    fn take(&self, key: &K) -> Result<(Outcome, u32), (Outcome, Duration)> {
        match self.limiter.check_key(key) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let interval = self.quota.replenish_interval();
                let reset = if remaining == 0 {
                    interval
                } else {
                    interval * self.quota.burst_size().get().saturating_sub(remaining)
                };
                Ok((
                    Outcome {
                        policy: self.policy_header.clone(),
                        state: self.state(remaining, reset),
                    },
                    remaining,
                ))
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                Err((
                    Outcome {
                        policy: self.policy_header.clone(),
                        state: self.state(0, wait),
                    },
                    wait,
                ))
            }
        }
    }
}

/// Both limits, shared by every worker.
pub struct RateLimits {
    settings: RateLimitSettings,
    users: Option<Policy<UserId>>,
    failures: Option<Policy<IpAddr>>,
    /// Addresses whose failure budget is used up, until when. Read on every
    /// authentication only while `blocked_count` is not zero.
    blocked: Mutex<HashMap<IpAddr, Instant>>,
    blocked_count: AtomicUsize,
    /// Proxies in front of the API (the web app): many clients share their
    /// address, so it has no failure budget of its own.
    exempt: Vec<IpNet>,
}

/// An address range, `ADDR/PREFIX` (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Parses `10.0.0.0/8`, `::1`, `fd00::/8`, …
    ///
    /// # Errors
    /// When it is not an address with an optional prefix length in range.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or range"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?} has no valid prefix length"))?,
            None => max,
        };
        Ok(Self { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// At most this many blocked addresses are remembered; beyond it a new
/// one is still refused each failure, just not ahead of verification.
const MAX_BLOCKED: usize = 100_000;

/// The key of a client address: IPv4 as is, IPv6 by its /64.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
        },
    }
}

fn too_many(policy: &'static str, outcome: &Outcome, wait: Duration, detail: &str) -> Problem {
    crate::metrics::record_rejection(policy);
    let retry = ceil_secs(wait).max(1);
    Problem::new(ProblemKind::TooManyRequests, detail)
        .with_header(header::RETRY_AFTER, HeaderValue::from(retry))
        .with_header(RATELIMIT_POLICY, outcome.policy.clone())
        .with_header(RATELIMIT, outcome.state.clone())
}

impl RateLimits {
    pub fn new(settings: RateLimitSettings) -> Self {
        let users = NonZeroU32::new(settings.per_user_per_second).map(|rate| {
            let burst = NonZeroU32::new(settings.per_user_burst).unwrap_or(rate);
            Policy::new("user", Quota::per_second(rate).allow_burst(burst))
        });
        let failures = NonZeroU32::new(settings.auth_failures_per_minute).map(|rate| {
            let burst = NonZeroU32::new(settings.auth_failures_burst).unwrap_or(rate);
            Policy::new("auth-failures", Quota::per_minute(rate).allow_burst(burst))
        });
        Self {
            settings,
            users,
            failures,
            blocked: Mutex::new(HashMap::new()),
            blocked_count: AtomicUsize::new(0),
            exempt: Vec::new(),
        }
    }

    /// Exempts these addresses from the failure budget
    /// (`AUTH_FAILURE_LIMIT_EXEMPT`): a reverse proxy forwards many
    /// clients' requests, and one client's bad tokens must not lock out
    /// everyone behind it. Its per-user limits still apply.
    #[must_use]
    pub fn exempt(mut self, ranges: Vec<IpNet>) -> Self {
        self.exempt = ranges;
        self
    }

    pub fn exempt_ranges(&self) -> &[IpNet] {
        &self.exempt
    }

    /// The address whose failure budget a request uses, if any.
    fn budget_key(&self, ip: Option<IpAddr>) -> Option<IpAddr> {
        let ip = ip?;
        let canonical = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            IpAddr::V4(_) => ip,
        };
        if self.exempt.iter().any(|net| net.contains(canonical)) {
            None
        } else {
            Some(address_key(canonical))
        }
    }

    pub fn settings(&self) -> RateLimitSettings {
        self.settings
    }

    /// Before verification: 429 if `ip` has used up its failure budget.
    ///
    /// # Errors
    /// The 429 problem, with `Retry-After` and the rate-limit fields.
    pub fn check_address(&self, ip: Option<IpAddr>) -> Result<(), Problem> {
        if self.blocked_count.load(Ordering::Relaxed) == 0 {
            return Ok(());
        }
        let (Some(key), Some(policy)) = (self.budget_key(ip), &self.failures) else {
            return Ok(());
        };
        let now = Instant::now();
        let Ok(mut blocked) = self.blocked.lock() else {
            return Ok(());
        };
        match blocked.get(&key) {
            Some(until) if *until > now => {
                let wait = *until - now;
                let outcome = Outcome {
                    policy: policy.policy_header.clone(),
                    state: policy.state(0, wait),
                };
                Err(too_many(
                    policy.name,
                    &outcome,
                    wait,
                    "Too many failed authentication attempts from this address; retry later.",
                ))
            }
            Some(_) => {
                blocked.remove(&key);
                self.blocked_count.store(blocked.len(), Ordering::Relaxed);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// After a failed authentication: takes from `ip`'s failure budget and
    /// returns the answer, `unauthorized` or a 429 once the budget is gone.
    pub fn record_failure(&self, ip: Option<IpAddr>, unauthorized: Problem) -> Problem {
        let (Some(key), Some(policy)) = (self.budget_key(ip), &self.failures) else {
            return unauthorized;
        };
        match policy.take(&key) {
            Ok((outcome, remaining)) => {
                if remaining == 0 {
                    // The last of the budget: from now on the address is
                    // refused before verification, until a request refills
                    // (at most one replenish interval).
                    self.block(key, policy.quota.replenish_interval());
                }
                unauthorized
                    .with_header(RATELIMIT_POLICY, outcome.policy)
                    .with_header(RATELIMIT, outcome.state)
            }
            Err((outcome, wait)) => {
                tracing::debug!("address over its failed-authentication budget");
                self.block(key, wait);
                too_many(
                    policy.name,
                    &outcome,
                    wait,
                    "Too many failed authentication attempts from this address; retry later.",
                )
            }
        }
    }

    fn block(&self, key: IpAddr, wait: Duration) {
        if let Ok(mut blocked) = self.blocked.lock() {
            if blocked.len() < MAX_BLOCKED || blocked.contains_key(&key) {
                blocked.insert(key, Instant::now() + wait);
            }
            self.blocked_count.store(blocked.len(), Ordering::Relaxed);
        }
    }

    /// After a successful authentication: takes from the user's bucket.
    ///
    /// # Errors
    /// 429 when the bucket is empty.
    pub fn check_user(&self, user: UserId) -> Result<Option<Outcome>, Problem> {
        let Some(policy) = &self.users else {
            return Ok(None);
        };
        match policy.take(&user) {
            Ok((outcome, _)) => Ok(Some(outcome)),
            Err((outcome, wait)) => Err(too_many(
                policy.name,
                &outcome,
                wait,
                "Too many requests for this user; slow down and retry later.",
            )),
        }
    }

    /// Forgets buckets that are full again and blocks that have ended:
    /// memory stays proportional to recently active users and addresses.
    pub fn purge(&self) {
        if let Some(policy) = &self.users {
            policy.limiter.retain_recent();
            policy.limiter.shrink_to_fit();
        }
        if let Some(policy) = &self.failures {
            policy.limiter.retain_recent();
            policy.limiter.shrink_to_fit();
        }
        if let Ok(mut blocked) = self.blocked.lock() {
            let now = Instant::now();
            blocked.retain(|_, until| *until > now);
            blocked.shrink_to_fit();
            self.blocked_count.store(blocked.len(), Ordering::Relaxed);
        }
    }

    /// Keys held, for tests and metrics: (users, addresses, blocked).
    pub fn sizes(&self) -> (usize, usize, usize) {
        (
            self.users.as_ref().map_or(0, |p| p.limiter.len()),
            self.failures.as_ref().map_or(0, |p| p.limiter.len()),
            self.blocked_count.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// For the limits a test does not exercise.
    const GENEROUS: RateLimitSettings = RateLimitSettings {
        per_user_per_second: 1000,
        per_user_burst: 1000,
        auth_failures_per_minute: 1000,
        auth_failures_burst: 1000,
    };

    #[test]
    fn ipv6_clients_count_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(IpAddr::from([0; 4]));
        let b: IpAddr = "2001:db8:1:2:bbbb::2"
            .parse()
            .unwrap_or(IpAddr::from([0; 4]));
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap_or(IpAddr::from([0; 4]));
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap_or(IpAddr::from([0; 4]));
        assert_eq!(address_key(mapped), IpAddr::from([10, 1, 2, 3]));
    }

    #[test]
    fn policy_and_state_fields() {
        let limits = RateLimits::new(RateLimitSettings {
            per_user_per_second: 50,
            per_user_burst: 100,
            ..GENEROUS
        });
        let user = UserId::parse("33e85bcb-82d5-4511-b8fc-1f6806a44a90").ok();
        let Some(user) = user else { return };
        let outcome = limits.check_user(user).ok().flatten();
        let Some(outcome) = outcome else {
            panic!("the first request is allowed")
        };
        assert_eq!(outcome.policy, "\"user\";q=100;w=2");
        assert_eq!(outcome.state, "\"user\";r=99;t=1");
        for _ in 0..99 {
            assert!(limits.check_user(user).is_ok());
        }
        let problem = limits.check_user(user).err();
        let Some(problem) = problem else {
            panic!("the 101st request in a burst is refused")
        };
        assert_eq!(problem.kind(), ProblemKind::TooManyRequests);
        assert_eq!(limits.sizes().0, 1);
    }

    #[test]
    fn exempt_proxies_have_no_failure_budget() {
        let limits = RateLimits::new(RateLimitSettings {
            auth_failures_per_minute: 1,
            auth_failures_burst: 1,
            ..GENEROUS
        })
        .exempt(vec![IpNet::parse("127.0.0.1").unwrap_or(IpNet {
            addr: IpAddr::from([0; 4]),
            prefix: 32,
        })]);
        for proxy in ["127.0.0.1", "::ffff:127.0.0.1"] {
            let ip = proxy.parse().ok();
            for _ in 0..10 {
                let answer = limits.record_failure(ip, Problem::unauthorized());
                assert_eq!(answer.kind(), ProblemKind::Unauthorized);
                assert!(limits.check_address(ip).is_ok());
            }
        }
        let other = Some(IpAddr::from([127, 0, 0, 2]));
        limits.record_failure(other, Problem::unauthorized());
        assert!(limits.check_address(other).is_err());
    }

    #[test]
    fn ranges() {
        let net = |t: &str| IpNet::parse(t).unwrap_or_else(|e| panic!("{e}"));
        let ip = |t: &str| t.parse::<IpAddr>().unwrap_or(IpAddr::from([0; 4]));
        assert!(net("172.16.0.0/12").contains(ip("172.18.0.5")));
        assert!(!net("172.16.0.0/12").contains(ip("172.32.0.1")));
        assert!(net("::1").contains(ip("::1")));
        assert!(!net("::1").contains(ip("127.0.0.1")));
        assert!(net("fd00::/8").contains(ip("fd12::1")));
        assert!(net("0.0.0.0/0").contains(ip("8.8.8.8")));
        for bad in ["", "localhost", "10.0.0.0/33", "::/129", "10.0.0.1/x"] {
            assert!(IpNet::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zero_switches_a_limit_off() {
        let limits = RateLimits::new(RateLimitSettings {
            per_user_per_second: 0,
            per_user_burst: 0,
            auth_failures_per_minute: 0,
            auth_failures_burst: 0,
        });
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..1000 {
            let answer = limits.record_failure(ip, Problem::unauthorized());
            assert_eq!(answer.kind(), ProblemKind::Unauthorized);
            assert!(limits.check_address(ip).is_ok());
        }
        assert_eq!(limits.sizes(), (0, 0, 0));
    }

    #[test]
    fn an_address_out_of_failures_is_refused_before_verification_then_forgiven() {
        let limits = RateLimits::new(RateLimitSettings {
            auth_failures_per_minute: 6000, // one per 10 ms
            auth_failures_burst: 2,
            ..GENEROUS
        });
        let ip = Some(IpAddr::from([10, 0, 0, 2]));
        let other = Some(IpAddr::from([10, 0, 0, 3]));
        for _ in 0..2 {
            assert!(limits.check_address(ip).is_ok());
            let answer = limits.record_failure(ip, Problem::unauthorized());
            assert_eq!(answer.kind(), ProblemKind::Unauthorized);
        }
        // The budget is spent: refused before verification.
        assert!(limits.check_address(ip).is_err());
        let answer = limits.record_failure(ip, Problem::unauthorized());
        assert_eq!(answer.kind(), ProblemKind::TooManyRequests);
        assert!(limits.check_address(ip).is_err());
        assert!(limits.check_address(other).is_ok());
        assert_eq!(limits.sizes().2, 1);
        std::thread::sleep(Duration::from_millis(50));
        assert!(limits.check_address(ip).is_ok());
        limits.purge();
        assert_eq!(limits.sizes().2, 0);
    }
}

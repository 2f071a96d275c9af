//! Client-agnostic Redis command arguments for writing a record so that it expires when its
//! policy says: any client sends them as they are.

use crate::time::Timestamp;

/// The Redis set listing keys under legal hold (`SISMEMBER` it before a write): a held key is
/// written without expiry and is never given one, as `stores/redis.json` and
/// `policyc verify --redis-url` treat it.
pub const LEGAL_HOLD_SET: &str = "policyc:legal_hold";

/// `SET key value [PXAT ms]`: writes `value` to expire at `expires_at` (milliseconds of that
/// whole second). Without `PXAT`, so the key never expires, when `expires_at` is `None` (no
/// clock runs yet, or the rule keeps data indefinitely) or when `held` (the key is in
/// [`LEGAL_HOLD_SET`]). An instant already past makes Redis delete the key at once, which is
/// what the policy asks of a record whose time is up.
pub fn set_args(
    key: impl AsRef<[u8]>,
    value: impl AsRef<[u8]>,
    expires_at: Option<Timestamp>,
    held: bool,
) -> Vec<Vec<u8>> {
    let mut args = vec![b"SET".to_vec(), key.as_ref().to_vec(), value.as_ref().to_vec()];
    if let (Some(at), false) = (expires_at, held) {
        args.push(b"PXAT".to_vec());
        args.push(millis(at));
    }
    args
}

/// `PEXPIREAT key ms LT` for an existing key, when a lifecycle event starts a clock: `LT` keeps
/// an earlier expiry the key already has and sets one on a key without any (Redis 7.0 or
/// later). `None` when there is nothing to set: no expiry, or `held`.
pub fn pexpireat_args(key: impl AsRef<[u8]>, expires_at: Option<Timestamp>, held: bool) -> Option<Vec<Vec<u8>>> {
    let at = expires_at.filter(|_| !held)?;
    Some(vec![b"PEXPIREAT".to_vec(), key.as_ref().to_vec(), millis(at), b"LT".to_vec()])
}

/// Milliseconds since the epoch, at least 1: Redis rejects a non-positive expiry time, and
/// 1 ms is as much in the past as any earlier instant.
fn millis(at: Timestamp) -> Vec<u8> {
    at.unix().saturating_mul(1_000).max(1).to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_only_when_a_clock_runs_and_the_key_is_not_held() {
        let at = Some(Timestamp(1_700_000_000));
        let set = set_args("k", "v", at, false);
        assert_eq!(set, [&b"SET"[..], b"k", b"v", b"PXAT", b"1700000000000"]);
        assert_eq!(set_args("k", "v", at, true).len(), 3);
        assert_eq!(set_args("k", "v", None, false).len(), 3);
        assert_eq!(set_args("k", "v", Some(Timestamp(-5)), false)[4], b"1", "past: at least 1 ms");
        assert_eq!(pexpireat_args("k", at, false).unwrap(), [&b"PEXPIREAT"[..], b"k", b"1700000000000", b"LT"]);
        assert_eq!(pexpireat_args("k", at, true), None);
        assert_eq!(pexpireat_args("k", None, false), None);
    }
}

use crate::UserId;

/// Who is making a request, as proven by a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub email: Option<String>,
    pub name: Option<String>,
    /// When the token that proved it expires (its `exp`); `None` when
    /// unknown. Long-lived answers (event streams) end there, so a revoked
    /// session stops receiving data once its last token runs out.
    pub expires_at: Option<crate::Timestamp>,
}

/// The principal asked for a resource that belongs to someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the requested user is not the authenticated user")]
pub struct AccessDenied;

impl Principal {
    pub fn new(user_id: UserId) -> Self {
        Self {
            user_id,
            email: None,
            name: None,
            expires_at: None,
        }
    }

    /// The ownership rule: a user acts on their own tasks and on no one
    /// else's. There is no admin or sharing; when that changes, this is the
    /// one place to change.
    ///
    /// The requested owner arrives as raw text (a URL segment). Anything that
    /// is not exactly this principal's id, including text that is not a UUID,
    /// is someone else's, so the answer never reveals whether it parsed.
    ///
    /// # Errors
    /// [`AccessDenied`] when `requested_owner` is not this principal's id.
    pub fn authorize_owner(&self, requested_owner: &str) -> Result<UserId, AccessDenied> {
        match UserId::parse(requested_owner) {
            Ok(owner) if owner == self.user_id => Ok(owner),
            _ => Err(AccessDenied),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "33e85bcb-82d5-4511-b8fc-1f6806a44a90";
    const BOB: &str = "f1cd4d08-7a2a-4cdf-b080-6b13e16933dc";

    fn alice() -> Principal {
        Principal::new(UserId::parse(ALICE).unwrap())
    }

    #[test]
    fn a_user_may_act_on_their_own_tasks() {
        assert_eq!(alice().authorize_owner(ALICE), Ok(alice().user_id));
        // Case does not matter for a UUID.
        assert!(alice().authorize_owner(&ALICE.to_uppercase()).is_ok());
    }

    #[test]
    fn a_user_may_not_act_on_someone_elses() {
        assert_eq!(alice().authorize_owner(BOB), Err(AccessDenied));
    }

    #[test]
    fn garbage_owner_is_denied_not_parsed() {
        assert_eq!(alice().authorize_owner("me"), Err(AccessDenied));
        assert_eq!(alice().authorize_owner(""), Err(AccessDenied));
    }
}

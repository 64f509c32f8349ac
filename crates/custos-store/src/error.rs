//! The storage layer's errors. Messages are for users; a database failure's cause is logged where
//! it is mapped (see `From<sqlx::Error>`) and the variant shown outside says only what failed.

use custos_core::draft::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Bad configuration: an unknown URL scheme, an unusable data directory.
    #[error("{0}")]
    Config(String),
    /// The database could not be reached or opened.
    #[error("{0}")]
    Unavailable(String),
    /// The schema is newer than this build, or an applied migration was edited.
    #[error("{0}")]
    Schema(String),
    /// The policy decision denied the request (also used for records that do not exist, so that
    /// a denial never reveals whether a record exists). The denial has been audited.
    #[error("access denied")]
    Denied,
    /// The input failed validation; nothing was stored.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// A rule refused the change (a locked field, a missing reason); nothing was stored.
    #[error("{0}")]
    Refused(String),
    /// Wrong user id or password (deliberately not saying which).
    #[error("the user id or password is not right")]
    SignInFailed,
    /// Too many failed sign-ins from this kind of client: wait before trying again.
    #[error("too many failed attempts; try again in {retry_after} s")]
    Throttled { retry_after: u64 },
    /// Another writer changed the record first; reload and retry.
    #[error("the record was changed by someone else; reload it and try again")]
    Conflict,
    /// The audit log could not be written, signed or read; the operation did not happen.
    #[error("audit failure: {0}")]
    Audit(String),
    /// Any other database failure. The cause is logged, not shown.
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        StoreError::Database(e)
    }
}

/// What can go wrong when using the store. Bad *data* is never an error: it is reported as a
/// [`crate::Rejection`] and the rest goes on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("{what} {key} not found")]
    NotFound { what: &'static str, key: String },
    /// What is stored contradicts what was asked (for example a stored value that should have
    /// been written by Achyk cannot be read back).
    #[error("{what} {key}: {message}")]
    Conflict {
        what: &'static str,
        key: String,
        message: String,
    },
    /// The database URL names no backend Achyk has.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error")]
    Backend(#[from] sqlx::Error),
}

//! Accounts, CSO organisations, sessions and login throttling. The store keeps what it is
//! given: password hashes, session token hashes and TOTP secrets are made by the web crate
//! (see `docs/accounts.md`); no plain password or session token ever reaches this module.

use crate::error::StoreError;
use crate::store::{Pool, Store, with_pool};

/// Failed logins that lock an account ([`Store::record_login_failure`]).
pub const LOGIN_MAX_FAILURES: i64 = 5;
/// The window (seconds) in which [`LOGIN_MAX_FAILURES`] failures lock an account.
pub const LOGIN_WINDOW_SECONDS: i64 = 15 * 60;
/// How long (seconds) a locked account refuses logins.
pub const LOGIN_LOCK_SECONDS: i64 = 15 * 60;

/// What an account may do. Stored as its lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Citizen,
    Monitor,
    Moderator,
    Official,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Citizen,
        Role::Monitor,
        Role::Moderator,
        Role::Official,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Monitor => "monitor",
            Role::Moderator => "moderator",
            Role::Official => "official",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Roles whose pages need a second factor (TOTP) first.
    pub fn needs_second_factor(self) -> bool {
        matches!(self, Role::Moderator | Role::Official | Role::Admin)
    }
}

/// A new account. `email` is kept as typed and compared case-insensitively.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub language: String,
    pub role: Role,
}

/// An account as stored. Deleted accounts have no email, password or personal fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub display_name: String,
    pub language: String,
    pub role: Role,
    pub cso_id: Option<i64>,
    pub public_body: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: i64,
    pub gender: Option<String>,
    pub age_group: Option<String>,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
}

/// The fields of an account its owner edits on "my account".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub display_name: String,
    pub language: String,
    pub gender: Option<String>,
    pub age_group: Option<String>,
}

/// A civil-society organisation that monitors belong to, named in the three languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsoRow {
    pub id: i64,
    pub name_ky: String,
    pub name_ru: String,
    pub name_en: String,
}

/// The account a live session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub user: UserRow,
    /// Whether this session passed the TOTP step.
    pub second_factor: bool,
    pub expires_at: i64,
}

type UserTuple = (
    i64,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    i64,
    i64,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
);

const USER_COLUMNS: &str = "u.id, u.email, u.password_hash, u.display_name, u.language, u.role, \
     u.cso_id, u.public_body, u.totp_secret, u.totp_enabled, u.totp_last_step, u.gender, \
     u.age_group, u.created_at, u.deleted_at";

fn user_from(row: UserTuple) -> Result<UserRow, StoreError> {
    let role = Role::parse(&row.5).ok_or_else(|| StoreError::Conflict {
        what: "user",
        key: row.0.to_string(),
        message: format!("unknown role {:?}", row.5),
    })?;
    Ok(UserRow {
        id: row.0,
        email: row.1,
        password_hash: row.2,
        display_name: row.3,
        language: row.4,
        role,
        cso_id: row.6,
        public_body: row.7,
        totp_secret: row.8,
        totp_enabled: row.9 != 0,
        totp_last_step: row.10,
        gender: row.11,
        age_group: row.12,
        created_at: row.13,
        deleted_at: row.14,
    })
}

/// The key an address is unique by: trimmed and folded to lower case.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Store {
    /// Creates an account; an address already registered (in any case) is a `Conflict`.
    pub async fn create_user(&self, user: &NewUser, now: i64) -> Result<i64, StoreError> {
        let key = email_key(&user.email);
        let result: Result<i64, sqlx::Error> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_scalar::<Db, i64>(
                "INSERT INTO users (email, email_key, password_hash, display_name, language, \
                 role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(user.email.trim())
            .bind(&key)
            .bind(&user.password_hash)
            .bind(&user.display_name)
            .bind(&user.language)
            .bind(user.role.as_str())
            .bind(now)
            .fetch_one(pool)
            .await
        });
        match result {
            Ok(id) => Ok(id),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(StoreError::Conflict {
                    what: "user",
                    key,
                    message: "email already registered".into(),
                })
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The live (not deleted) account with this address, in any case.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        let key = email_key(email);
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.email_key = $1 AND u.deleted_at IS NULL"
        );
        let row: Option<UserTuple> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, UserTuple>(sqlx::AssertSqlSafe(sql))
                .bind(&key)
                .fetch_optional(pool)
                .await?
        });
        row.map(user_from).transpose()
    }

    /// The account with this id, deleted or not.
    pub async fn user(&self, id: i64) -> Result<UserRow, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row: Option<UserTuple> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, UserTuple>(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        match row {
            Some(row) => user_from(row),
            None => Err(StoreError::NotFound {
                what: "user",
                key: id.to_string(),
            }),
        }
    }

    /// Every live account, by id.
    pub async fn list_users(&self) -> Result<Vec<UserRow>, StoreError> {
        let sql =
            format!("SELECT {USER_COLUMNS} FROM users u WHERE u.deleted_at IS NULL ORDER BY u.id");
        let rows: Vec<UserTuple> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, UserTuple>(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(user_from).collect()
    }

    async fn update_user(
        &self,
        id: i64,
        sql: &'static str,
        text: &[Option<&str>],
        numbers: &[Option<i64>],
    ) -> Result<(), StoreError> {
        let changed = with_pool!(self, |pool, Db, _begin| {
            let mut query = sqlx::query::<Db>(sql).bind(id);
            for value in text {
                query = query.bind(*value);
            }
            for value in numbers {
                query = query.bind(*value);
            }
            query.execute(pool).await?.rows_affected()
        });
        if changed == 0 {
            return Err(StoreError::NotFound {
                what: "user",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    pub async fn set_profile(&self, id: i64, profile: &Profile) -> Result<(), StoreError> {
        self.update_user(
            id,
            "UPDATE users SET display_name = $2, language = $3, gender = $4, age_group = $5 \
             WHERE id = $1 AND deleted_at IS NULL",
            &[
                Some(&profile.display_name),
                Some(&profile.language),
                profile.gender.as_deref(),
                profile.age_group.as_deref(),
            ],
            &[],
        )
        .await
    }

    pub async fn set_password_hash(&self, id: i64, hash: &str) -> Result<(), StoreError> {
        self.update_user(
            id,
            "UPDATE users SET password_hash = $2 WHERE id = $1 AND deleted_at IS NULL",
            &[Some(hash)],
            &[],
        )
        .await
    }

    /// Sets the role and the organisation (a CSO for monitors, a public body for officials).
    pub async fn set_role(
        &self,
        id: i64,
        role: Role,
        cso_id: Option<i64>,
        public_body: Option<&str>,
    ) -> Result<(), StoreError> {
        self.update_user(
            id,
            "UPDATE users SET role = $2, public_body = $3, cso_id = $4 \
             WHERE id = $1 AND deleted_at IS NULL",
            &[Some(role.as_str()), public_body],
            &[cso_id],
        )
        .await
    }

    /// Stores a TOTP secret (base32), enabled or not yet. `None` turns 2FA off.
    pub async fn set_totp(
        &self,
        id: i64,
        secret: Option<&str>,
        enabled: bool,
    ) -> Result<(), StoreError> {
        self.update_user(
            id,
            "UPDATE users SET totp_secret = $2, totp_enabled = $3, totp_last_step = 0 \
             WHERE id = $1 AND deleted_at IS NULL",
            &[secret],
            &[Some(i64::from(enabled))],
        )
        .await
    }

    /// Turns on the TOTP secret already stored, keeping the last step used (the code that
    /// confirmed it cannot be used again).
    pub async fn enable_totp(&self, id: i64) -> Result<(), StoreError> {
        self.update_user(
            id,
            "UPDATE users SET totp_enabled = 1 \
             WHERE id = $1 AND deleted_at IS NULL AND totp_secret IS NOT NULL",
            &[],
            &[],
        )
        .await
    }

    /// Records that the TOTP code of time step `step` was used, if no later or equal step was:
    /// `false` means the code was already used (a replay) and must be refused.
    pub async fn consume_totp_step(&self, id: i64, step: i64) -> Result<bool, StoreError> {
        let changed = with_pool!(self, |pool, Db, _begin| {
            sqlx::query::<Db>(
                "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
            )
            .bind(id)
            .bind(step)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Deletes an account: every personal field is cleared, the row stays (anonymised) so that
    /// ids in histories stay valid, and its sessions, throttling state, follows, notifications and
    /// feed token are removed.
    pub async fn delete_user(&self, id: i64, now: i64) -> Result<(), StoreError> {
        with_pool!(self, |pool, Db, begin| {
            let mut connection = pool.acquire().await?;
            sqlx::query::<Db>(begin).execute(&mut *connection).await?;
            let result: Result<u64, sqlx::Error> = async {
                sqlx::query::<Db>("DELETE FROM sessions WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *connection)
                    .await?;
                sqlx::query::<Db>("DELETE FROM login_throttle WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *connection)
                    .await?;
                // What the account followed and was told goes with it.
                for sql in [
                    "DELETE FROM notifications WHERE user_id = $1",
                    "DELETE FROM follows WHERE user_id = $1",
                    "DELETE FROM feed_tokens WHERE user_id = $1",
                ] {
                    sqlx::query::<Db>(sql)
                        .bind(id)
                        .execute(&mut *connection)
                        .await?;
                }
                Ok(sqlx::query::<Db>(
                    "UPDATE users SET email = NULL, email_key = NULL, password_hash = NULL, \
                     display_name = '', totp_secret = NULL, totp_enabled = 0, gender = NULL, \
                     age_group = NULL, public_body = NULL, cso_id = NULL, deleted_at = $2 \
                     WHERE id = $1 AND deleted_at IS NULL",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *connection)
                .await?
                .rows_affected())
            }
            .await;
            match result {
                Ok(1) => {
                    sqlx::query::<Db>("COMMIT")
                        .execute(&mut *connection)
                        .await?;
                }
                Ok(_) => {
                    sqlx::query::<Db>("ROLLBACK")
                        .execute(&mut *connection)
                        .await?;
                    return Err(StoreError::NotFound {
                        what: "user",
                        key: id.to_string(),
                    });
                }
                Err(error) => {
                    let _ = sqlx::query::<Db>("ROLLBACK")
                        .execute(&mut *connection)
                        .await;
                    return Err(error.into());
                }
            }
        });
        Ok(())
    }

    pub async fn create_cso(&self, names: [&str; 3], now: i64) -> Result<i64, StoreError> {
        let id = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_scalar::<Db, i64>(
                "INSERT INTO cso_organisations (name_ky, name_ru, name_en, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(names[0])
            .bind(names[1])
            .bind(names[2])
            .bind(now)
            .fetch_one(pool)
            .await?
        });
        Ok(id)
    }

    pub async fn list_csos(&self) -> Result<Vec<CsoRow>, StoreError> {
        let rows: Vec<(i64, String, String, String)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (i64, String, String, String)>(
                "SELECT id, name_ky, name_ru, name_en FROM cso_organisations ORDER BY id",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name_ky, name_ru, name_en)| CsoRow {
                id,
                name_ky,
                name_ru,
                name_en,
            })
            .collect())
    }

    /// Stores a session by the hash of its token.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        second_factor: bool,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        with_pool!(self, |pool, Db, _begin| {
            sqlx::query::<Db>(
                "INSERT INTO sessions (token_hash, user_id, second_factor, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(user_id)
            .bind(i64::from(second_factor))
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The live session with this token hash and its (live) account; expired sessions are
    /// not returned.
    pub async fn session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<SessionRow>, StoreError> {
        let sql = format!(
            "SELECT s.second_factor, s.expires_at, {USER_COLUMNS} FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.deleted_at IS NULL"
        );
        let row: Option<(i64, i64, UserTuple)> = with_pool!(self, |pool, Db, _begin| {
            use sqlx::Row;
            let row = sqlx::query::<Db>(sqlx::AssertSqlSafe(sql))
                .bind(token_hash)
                .bind(now)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => Some((
                    row.try_get::<i64, _>(0)?,
                    row.try_get::<i64, _>(1)?,
                    (
                        row.try_get(2)?,
                        row.try_get(3)?,
                        row.try_get(4)?,
                        row.try_get(5)?,
                        row.try_get(6)?,
                        row.try_get(7)?,
                        row.try_get(8)?,
                        row.try_get(9)?,
                        row.try_get(10)?,
                        row.try_get(11)?,
                        row.try_get(12)?,
                        row.try_get(13)?,
                        row.try_get(14)?,
                        row.try_get(15)?,
                        row.try_get(16)?,
                    ),
                )),
                None => None,
            }
        });
        match row {
            Some((second_factor, expires_at, user)) => Ok(Some(SessionRow {
                user: user_from(user)?,
                second_factor: second_factor != 0,
                expires_at,
            })),
            None => Ok(None),
        }
    }

    /// Records that a session passed the second factor.
    pub async fn mark_second_factor(&self, token_hash: &str) -> Result<(), StoreError> {
        with_pool!(self, |pool, Db, _begin| {
            sqlx::query::<Db>("UPDATE sessions SET second_factor = 1 WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        with_pool!(self, |pool, Db, _begin| {
            sqlx::query::<Db>("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Ends every session of an account (after a password change or deletion).
    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<(), StoreError> {
        with_pool!(self, |pool, Db, _begin| {
            sqlx::query::<Db>("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Until when (Unix seconds) logins to this account are refused, if they are at `now`.
    pub async fn login_locked_until(
        &self,
        user_id: i64,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let until: Option<i64> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_scalar::<Db, i64>(
                "SELECT locked_until FROM login_throttle WHERE user_id = $1",
            )
            .bind(user_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(until.filter(|until| *until > now))
    }

    /// Counts a failed login: the [`LOGIN_MAX_FAILURES`]th failure within
    /// [`LOGIN_WINDOW_SECONDS`] locks the account for [`LOGIN_LOCK_SECONDS`]. Returns until
    /// when it is locked, if it now is.
    pub async fn record_login_failure(
        &self,
        user_id: i64,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let window_opened = now - LOGIN_WINDOW_SECONDS;
        let (failures, locked_until): (i64, i64) = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (i64, i64)>(
                "INSERT INTO login_throttle (user_id, failures, window_start, locked_until) \
                 VALUES ($1, 1, $2, 0) ON CONFLICT (user_id) DO UPDATE SET \
                 failures = CASE WHEN login_throttle.window_start <= $3 THEN 1 \
                   ELSE login_throttle.failures + 1 END, \
                 window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 \
                   ELSE login_throttle.window_start END \
                 RETURNING failures, locked_until",
            )
            .bind(user_id)
            .bind(now)
            .bind(window_opened)
            .fetch_one(pool)
            .await?
        });
        if failures >= LOGIN_MAX_FAILURES {
            let until = now + LOGIN_LOCK_SECONDS;
            with_pool!(self, |pool, Db, _begin| {
                sqlx::query::<Db>(
                    "UPDATE login_throttle SET locked_until = $2, failures = 0, \
                     window_start = $3 WHERE user_id = $1",
                )
                .bind(user_id)
                .bind(until)
                .bind(now)
                .execute(pool)
                .await?;
            });
            return Ok(Some(until));
        }
        Ok(Some(locked_until).filter(|until| *until > now))
    }

    /// Forgets failed logins after a successful one.
    pub async fn clear_login_failures(&self, user_id: i64) -> Result<(), StoreError> {
        with_pool!(self, |pool, Db, _begin| {
            sqlx::query::<Db>("DELETE FROM login_throttle WHERE user_id = $1")
                .bind(user_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}

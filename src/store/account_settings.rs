//! Account-wide settings: the password policy, the alias, and the counts of
//! `GetAccountSummary`.

use super::writer::Write;
use sqlx::FromRow;

use super::{Entity, Store, StoreError, is_unique_violation, to_flag};

/// The account password policy.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct PasswordPolicy {
    /// Shortest allowed password.
    pub minimum_password_length: i64,
    /// Needs a non-alphanumeric character.
    #[sqlx(try_from = "i64")]
    pub require_symbols: Flag,
    /// Needs a digit.
    #[sqlx(try_from = "i64")]
    pub require_numbers: Flag,
    /// Needs an upper-case letter.
    #[sqlx(try_from = "i64")]
    pub require_uppercase_characters: Flag,
    /// Needs a lower-case letter.
    #[sqlx(try_from = "i64")]
    pub require_lowercase_characters: Flag,
    /// Users may change their own password.
    #[sqlx(try_from = "i64")]
    pub allow_users_to_change_password: Flag,
    /// Days a password lives, if limited.
    pub max_password_age: Option<i64>,
    /// How many earlier passwords may not be reused, if any.
    pub password_reuse_prevention: Option<i64>,
    /// Whether expired passwords lock the user out.
    pub hard_expiry: Option<i64>,
}

/// A stored boolean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(value: i64) -> Self {
        Self(value != 0)
    }
}

/// The counts `GetAccountSummary` reports.
#[derive(Clone, Debug, Default, FromRow)]
pub struct AccountCounts {
    /// IAM users.
    pub users: i64,
    /// IAM groups.
    pub groups: i64,
    /// Access keys of the root user.
    pub root_access_keys: i64,
    /// Whether the root user has a console password (iamd's root users never do).
    pub root_password: i64,
    /// Roles.
    pub roles: i64,
    /// Customer managed policies.
    pub policies: i64,
    /// Versions of customer managed policies.
    pub policy_versions: i64,
    /// Instance profiles.
    pub instance_profiles: i64,
}

impl Store {
    /// The account's password policy, if set.
    ///
    /// # Errors
    /// A database failure.
    pub async fn password_policy(
        &self,
        account_id: &str,
    ) -> Result<Option<PasswordPolicy>, StoreError> {
        let policy = sqlx::query_as(
            r"SELECT minimum_password_length, require_symbols, require_numbers,
                     require_uppercase_characters, require_lowercase_characters,
                     allow_users_to_change_password, max_password_age,
                     password_reuse_prevention, hard_expiry
              FROM password_policies WHERE account_id = ?1",
        )
        .bind(account_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(policy)
    }

    /// Sets (replacing entirely) the account's password policy.
    ///
    /// # Errors
    /// A database failure.
    pub async fn put_password_policy(
        &self,
        account_id: &str,
        policy: &PasswordPolicy,
    ) -> Result<(), StoreError> {
        sqlx::query(
            r"INSERT OR REPLACE INTO password_policies
                (account_id, minimum_password_length, require_symbols, require_numbers,
                 require_uppercase_characters, require_lowercase_characters,
                 allow_users_to_change_password, max_password_age, password_reuse_prevention,
                 hard_expiry)
              VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .bind(account_id)
        .bind(policy.minimum_password_length)
        .bind(to_flag(policy.require_symbols.0))
        .bind(to_flag(policy.require_numbers.0))
        .bind(to_flag(policy.require_uppercase_characters.0))
        .bind(to_flag(policy.require_lowercase_characters.0))
        .bind(to_flag(policy.allow_users_to_change_password.0))
        .bind(policy.max_password_age)
        .bind(policy.password_reuse_prevention)
        .bind(policy.hard_expiry)
        .write(&self.writer)
        .await?;
        Ok(())
    }

    /// Removes the account's password policy.
    ///
    /// # Errors
    /// `NotFound(PasswordPolicy)` when none is set.
    pub async fn delete_password_policy(&self, account_id: &str) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM password_policies WHERE account_id = ?1")
            .bind(account_id)
            .write(&self.writer)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::PasswordPolicy));
        }
        Ok(())
    }

    /// The account's alias, if it has one.
    ///
    /// # Errors
    /// A database failure.
    pub async fn account_alias(&self, account_id: &str) -> Result<Option<String>, StoreError> {
        let alias =
            sqlx::query_scalar("SELECT account_alias FROM account_aliases WHERE account_id = ?1")
                .bind(account_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(alias)
    }

    /// Gives the account an alias, replacing the one it had (an account has at most one).
    ///
    /// # Errors
    /// `AlreadyExists` when another account has it.
    pub async fn create_account_alias(
        &self,
        account_id: &str,
        alias: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let current: Option<String> =
            sqlx::query_scalar("SELECT account_alias FROM account_aliases WHERE account_id = ?1")
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
        match current {
            Some(current) if current == alias => return Ok(()),
            Some(_) => {
                sqlx::query("DELETE FROM account_aliases WHERE account_id = ?1")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
            }
            None => {}
        }
        let inserted =
            sqlx::query("INSERT INTO account_aliases (account_alias, account_id) VALUES (?1, ?2)")
                .bind(alias)
                .bind(account_id)
                .execute(&mut *tx)
                .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        tx.commit().await?;
        Ok(())
    }

    /// Removes the account's alias.
    ///
    /// # Errors
    /// `NotFound(AccountAlias)` when the account does not have this alias.
    pub async fn delete_account_alias(
        &self,
        account_id: &str,
        alias: &str,
    ) -> Result<(), StoreError> {
        let deleted =
            sqlx::query("DELETE FROM account_aliases WHERE account_id = ?1 AND account_alias = ?2")
                .bind(account_id)
                .bind(alias)
                .write(&self.writer)
                .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::AccountAlias));
        }
        Ok(())
    }

    /// Counts for `GetAccountSummary`.
    ///
    /// # Errors
    /// A database failure.
    pub async fn account_counts(&self, account_id: &str) -> Result<AccountCounts, StoreError> {
        let counts = sqlx::query_as(
            r"SELECT (SELECT count(*) FROM users WHERE account_id = ?1) AS users,
                     (SELECT count(*) FROM groups WHERE account_id = ?1) AS groups,
                     (SELECT count(*) FROM access_keys WHERE account_id = ?1 AND user_id IS NULL)
                        AS root_access_keys,
                     0 AS root_password,
                     (SELECT count(*) FROM roles WHERE account_id = ?1) AS roles,
                     (SELECT count(*) FROM policies WHERE account_id = ?1) AS policies,
                     (SELECT count(*) FROM policy_versions v JOIN policies p ON p.policy_id = v.policy_id
                        WHERE p.account_id = ?1) AS policy_versions,
                     (SELECT count(*) FROM instance_profiles WHERE account_id = ?1) AS instance_profiles",
        )
        .bind(account_id)
        .fetch_one(&self.reader)
        .await?;
        Ok(counts)
    }
}

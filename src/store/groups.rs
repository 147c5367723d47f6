//! IAM groups and their members.

use super::writer::Write;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::users::{USER_COLUMNS, User, UserRow};
use super::{
    Conflict, Entity, Limit, Store, StoreError, from_millis, is_unique_violation, to_millis,
};

/// How many groups a user may belong to.
pub const MAX_GROUPS_PER_USER: i64 = 10;

/// A stored IAM group.
#[derive(Clone, Debug)]
pub struct Group {
    /// `AGPA…`.
    pub group_id: String,
    /// The owning account.
    pub account_id: String,
    /// The name, in the case it was created with.
    pub group_name: String,
    /// `/` or `/a/b/`.
    pub path: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl Group {
    /// `arn:aws:iam::ACCOUNT:group{path}{name}`.
    #[must_use]
    pub fn arn(&self) -> String {
        crate::arn::group(&self.account_id, &self.path, &self.group_name)
    }
}

#[derive(FromRow)]
struct GroupRow {
    group_id: String,
    account_id: String,
    group_name: String,
    path: String,
    created_at: i64,
}

impl From<GroupRow> for Group {
    fn from(row: GroupRow) -> Self {
        Self {
            group_id: row.group_id,
            account_id: row.account_id,
            group_name: row.group_name,
            path: row.path,
            created_at: from_millis(row.created_at),
        }
    }
}

const GROUP_COLUMNS: &str = "group_id, account_id, group_name, path, created_at";

impl Store {
    /// Creates a group.
    ///
    /// # Errors
    /// `AlreadyExists` when the name is taken in the account (ignoring case).
    pub async fn create_group(&self, group: &Group) -> Result<(), StoreError> {
        let inserted = sqlx::query(
            r"INSERT INTO groups (group_id, account_id, group_name, path, created_at)
              VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&group.group_id)
        .bind(&group.account_id)
        .bind(&group.group_name)
        .bind(&group.path)
        .bind(to_millis(group.created_at))
        .write(&self.writer)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => Err(StoreError::AlreadyExists),
            other => other.map(|_| ()).map_err(StoreError::from),
        }
    }

    /// The group with this name (ignoring case) in the account.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_group(
        &self,
        account_id: &str,
        group_name: &str,
    ) -> Result<Option<Group>, StoreError> {
        let row: Option<GroupRow> = sqlx::query_as(&format!(
            "SELECT {GROUP_COLUMNS} FROM groups WHERE account_id = ?1 AND group_name = ?2"
        ))
        .bind(account_id)
        .bind(group_name)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(Group::from))
    }

    /// One page of the account's groups whose path starts with `path_prefix`, by name.
    ///
    /// # Errors
    /// A database failure.
    pub async fn list_groups(
        &self,
        account_id: &str,
        path_prefix: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Group>, StoreError> {
        let rows: Vec<GroupRow> = sqlx::query_as(&format!(
            r"SELECT {GROUP_COLUMNS} FROM groups
              WHERE account_id = ?1 AND group_name > ?2
                AND substr(path, 1, length(?3)) = ?3
              ORDER BY group_name LIMIT ?4"
        ))
        .bind(account_id)
        .bind(after.unwrap_or(""))
        .bind(path_prefix)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(Group::from).collect())
    }

    /// One page of a user's groups, by name.
    ///
    /// # Errors
    /// A database failure.
    pub async fn list_groups_for_user(
        &self,
        user_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Group>, StoreError> {
        let rows: Vec<GroupRow> = sqlx::query_as(
            r"SELECT g.group_id, g.account_id, g.group_name, g.path, g.created_at
              FROM group_members m JOIN groups g ON g.group_id = m.group_id
              WHERE m.user_id = ?1 AND g.group_name > ?2
              ORDER BY g.group_name LIMIT ?3",
        )
        .bind(user_id)
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(Group::from).collect())
    }

    /// One page of a group's members, by user name.
    ///
    /// # Errors
    /// A database failure.
    pub async fn list_group_members(
        &self,
        group_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<User>, StoreError> {
        let columns = USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows: Vec<UserRow> = sqlx::query_as(&format!(
            r"SELECT {columns}
              FROM group_members m JOIN users u ON u.user_id = m.user_id
              WHERE m.group_id = ?1 AND u.user_name > ?2
              ORDER BY u.user_name LIMIT ?3"
        ))
        .bind(group_id)
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(User::from).collect())
    }

    /// Renames a group and/or moves it; its members and policies stay.
    ///
    /// # Errors
    /// `NotFound(Group)`; `AlreadyExists` when the new name is taken.
    pub async fn update_group(
        &self,
        group_id: &str,
        name: &str,
        path: &str,
    ) -> Result<(), StoreError> {
        let updated =
            sqlx::query("UPDATE groups SET group_name = ?2, path = ?3 WHERE group_id = ?1")
                .bind(group_id)
                .bind(name)
                .bind(path)
                .write(&self.writer)
                .await;
        let done = match updated {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::Group));
        }
        Ok(())
    }

    /// Deletes a group without members.
    ///
    /// # Errors
    /// `Conflict(GroupHasUsers)`; `NotFound(Group)`.
    pub async fn delete_group(&self, group_id: &str) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let members: i64 =
            sqlx::query_scalar("SELECT count(*) FROM group_members WHERE group_id = ?1")
                .bind(group_id)
                .fetch_one(&mut *tx)
                .await?;
        if members > 0 {
            return Err(StoreError::Conflict(Conflict::GroupHasUsers));
        }
        super::policies::check_no_policies(&mut tx, group_id).await?;
        let deleted = sqlx::query("DELETE FROM groups WHERE group_id = ?1")
            .bind(group_id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::Group));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds a user to a group; adding a member again changes nothing.
    ///
    /// # Errors
    /// `Limit(GroupsPerUser)` past ten groups.
    pub async fn add_user_to_group(&self, group_id: &str, user_id: &str) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let inserted =
            sqlx::query("INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?1, ?2)")
                .bind(group_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        if inserted.rows_affected() > 0 {
            let groups: i64 =
                sqlx::query_scalar("SELECT count(*) FROM group_members WHERE user_id = ?1")
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if groups > MAX_GROUPS_PER_USER {
                return Err(StoreError::Limit(Limit::GroupsPerUser));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes a user from a group.
    ///
    /// # Errors
    /// `NotFound(User)` when the user is not a member.
    pub async fn remove_user_from_group(
        &self,
        group_id: &str,
        user_id: &str,
    ) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2")
            .bind(group_id)
            .bind(user_id)
            .write(&self.writer)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::User));
        }
        Ok(())
    }
}

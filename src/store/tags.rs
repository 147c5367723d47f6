//! Tags of any entity, keyed by the entity's unique id, kept in insertion order.

use super::cache::{ReadKey, ReadValue};
use super::writer::WriteTx;
use sqlx::FromRow;

use super::{Limit, Store, StoreError};

/// A tag: a key (unique per entity ignoring case) and a value (may be empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

/// The most tags an entity can carry.
pub const MAX_TAGS: i64 = 50;

#[derive(FromRow)]
struct TagRow {
    tag_key: String,
    tag_value: String,
    position: i64,
}

/// Adds or replaces tags (keys compare ignoring case) inside a transaction.
///
/// # Errors
/// `Limit(TagsPerResource)` when the entity would carry more than 50.
pub(crate) async fn merge(
    tx: &mut WriteTx,
    resource_id: &str,
    tags: &[Tag],
) -> Result<(), StoreError> {
    for tag in tags {
        let replaced = sqlx::query(
            "UPDATE tags SET tag_key = ?3, tag_value = ?2 WHERE resource_id = ?1 AND folded_key = ?4",
        )
        .bind(resource_id)
        .bind(&tag.value)
        .bind(&tag.key)
        .bind(tag.key.to_lowercase())
        .execute(&mut **tx)
        .await?;
        if replaced.rows_affected() == 0 {
            sqlx::query(
                r"INSERT INTO tags (resource_id, tag_key, folded_key, tag_value, position)
                  VALUES (?1, ?2, ?4, ?3,
                          (SELECT coalesce(max(position), 0) + 1 FROM tags WHERE resource_id = ?1))",
            )
            .bind(resource_id)
            .bind(&tag.key)
            .bind(&tag.value)
            .bind(tag.key.to_lowercase())
            .execute(&mut **tx)
            .await?;
        }
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM tags WHERE resource_id = ?1")
        .bind(resource_id)
        .fetch_one(&mut **tx)
        .await?;
    if count > MAX_TAGS {
        return Err(StoreError::Limit(Limit::TagsPerResource));
    }
    Ok(())
}

impl Store {
    /// Every tag of an entity, in insertion order.
    ///
    /// # Errors
    /// A database failure.
    pub async fn tags(&self, resource_id: &str) -> Result<Vec<Tag>, StoreError> {
        let key = ReadKey::Tags(resource_id.to_owned());
        let load = async {
            Ok(self
                .tags_page(resource_id, 0, MAX_TAGS + 1)
                .await?
                .into_iter()
                .map(|(t, _)| t)
                .collect())
        };
        self.cached(key, load, ReadValue::Tags, |v| match v {
            ReadValue::Tags(t) => Some(t),
            _ => None,
        })
        .await
    }

    /// Tags after insertion position `after`, with their positions (the page key).
    ///
    /// # Errors
    /// A database failure.
    pub async fn tags_page(
        &self,
        resource_id: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(Tag, i64)>, StoreError> {
        let rows: Vec<TagRow> = sqlx::query_as(
            r"SELECT tag_key, tag_value, position FROM tags
              WHERE resource_id = ?1 AND position > ?2 ORDER BY position LIMIT ?3",
        )
        .bind(resource_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    Tag {
                        key: r.tag_key,
                        value: r.tag_value,
                    },
                    r.position,
                )
            })
            .collect())
    }

    /// Adds or replaces tags on an entity.
    ///
    /// # Errors
    /// `Limit(TagsPerResource)`; nothing changes then.
    pub async fn tag_resource(&self, resource_id: &str, tags: &[Tag]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        merge(&mut tx, resource_id, tags).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes tags by key (ignoring case); absent keys are ignored, as in AWS.
    ///
    /// # Errors
    /// A database failure.
    pub async fn untag_resource(
        &self,
        resource_id: &str,
        keys: &[String],
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        for key in keys {
            sqlx::query("DELETE FROM tags WHERE resource_id = ?1 AND folded_key = ?2")
                .bind(resource_id)
                .bind(key.to_lowercase())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

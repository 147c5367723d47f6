//! Virtual MFA devices: their TOTP seeds, who they are enabled for, and the last code used.

use super::writer::Write;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Conflict, Entity, Store, StoreError, from_millis, is_unique_violation, to_millis};

/// Marks a device enabled for the account's root user.
pub const ROOT_OWNER: &str = "root";

/// Which devices a listing returns.
#[derive(Clone, Copy, Debug)]
pub enum MfaFilter<'a> {
    /// Those enabled for this owner (a user id or `ROOT_OWNER`).
    Owner(&'a str),
    /// Those enabled for anyone.
    Assigned,
    /// Those enabled for no one.
    Unassigned,
    /// All of them.
    Any,
}

/// A virtual MFA device.
#[derive(Clone, Debug)]
pub struct MfaDevice {
    /// The serial number (the device ARN).
    pub serial_number: String,
    /// The account.
    pub account_id: String,
    /// The device name.
    pub device_name: String,
    /// The device path.
    pub path: String,
    /// The base32 TOTP secret.
    pub seed: String,
    /// The user id it is enabled for, `ROOT_OWNER`, or `None`.
    pub assigned_to: Option<String>,
    /// When it was enabled.
    pub enabled_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The last time step accepted.
    pub last_step: Option<i64>,
}

#[derive(FromRow)]
struct MfaRow {
    serial_number: String,
    account_id: String,
    device_name: String,
    path: String,
    seed: String,
    assigned_to: Option<String>,
    enabled_at: Option<i64>,
    created_at: i64,
    last_step: Option<i64>,
}

impl From<MfaRow> for MfaDevice {
    fn from(r: MfaRow) -> Self {
        Self {
            serial_number: r.serial_number,
            account_id: r.account_id,
            device_name: r.device_name,
            path: r.path,
            seed: r.seed,
            assigned_to: r.assigned_to,
            enabled_at: r.enabled_at.map(from_millis),
            created_at: from_millis(r.created_at),
            last_step: r.last_step,
        }
    }
}

const COLUMNS: &str = "serial_number, account_id, device_name, path, seed, assigned_to, enabled_at, created_at, last_step";

impl Store {
    /// Creates an unassigned virtual MFA device.
    ///
    /// # Errors
    /// `AlreadyExists` when the name is taken.
    pub async fn create_mfa_device(
        &self,
        device: &MfaDevice,
        device_tags: &[super::tags::Tag],
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            r"INSERT INTO mfa_devices (serial_number, account_id, device_name, path, seed, created_at)
              VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&device.serial_number)
        .bind(&device.account_id)
        .bind(&device.device_name)
        .bind(&device.path)
        .bind(&device.seed)
        .bind(to_millis(device.created_at))
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        super::tags::merge(&mut tx, &device.serial_number, device_tags).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A device by serial number, in the account.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_mfa_device(
        &self,
        account_id: &str,
        serial: &str,
    ) -> Result<Option<MfaDevice>, StoreError> {
        let row: Option<MfaRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM mfa_devices WHERE account_id = ?1 AND serial_number = ?2"
        ))
        .bind(account_id)
        .bind(serial)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(MfaDevice::from))
    }

    /// One page of the account's devices that pass `filter`, by serial number after `after`.
    ///
    /// # Errors
    /// A database failure.
    pub async fn list_mfa_devices(
        &self,
        account_id: &str,
        filter: MfaFilter<'_>,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<MfaDevice>, StoreError> {
        let (condition, owner) = match filter {
            MfaFilter::Owner(owner) => ("assigned_to = ?3", Some(owner)),
            MfaFilter::Assigned => ("assigned_to IS NOT NULL", None),
            MfaFilter::Unassigned => ("assigned_to IS NULL", None),
            MfaFilter::Any => ("1", None),
        };
        let rows: Vec<MfaRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM mfa_devices
             WHERE account_id = ?1 AND serial_number > ?2 AND {condition}
             ORDER BY serial_number LIMIT ?4"
        ))
        .bind(account_id)
        .bind(after.unwrap_or(""))
        .bind(owner)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(MfaDevice::from).collect())
    }

    /// Enables a device for an owner, remembering the step of the second code.
    ///
    /// # Errors
    /// `Conflict(ReferencedObjects)` when the device is in use.
    pub async fn enable_mfa_device(
        &self,
        serial: &str,
        owner: &str,
        step: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let updated = sqlx::query(
            r"UPDATE mfa_devices SET assigned_to = ?2, enabled_at = ?3, last_step = ?4
              WHERE serial_number = ?1 AND assigned_to IS NULL",
        )
        .bind(serial)
        .bind(owner)
        .bind(to_millis(now))
        .bind(step)
        .write(&self.writer)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Conflict(Conflict::ReferencedObjects));
        }
        Ok(())
    }

    /// Takes a device away from its owner.
    ///
    /// # Errors
    /// `NotFound` when it is not enabled for that owner.
    pub async fn deactivate_mfa_device(&self, serial: &str, owner: &str) -> Result<(), StoreError> {
        let updated = sqlx::query(
            r"UPDATE mfa_devices SET assigned_to = NULL, enabled_at = NULL
              WHERE serial_number = ?1 AND assigned_to = ?2",
        )
        .bind(serial)
        .bind(owner)
        .write(&self.writer)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::MfaDevice));
        }
        Ok(())
    }

    /// Accepts a code's time step once: `false` if it (or a later one) was already used.
    ///
    /// # Errors
    /// A database failure.
    pub async fn use_mfa_step(&self, serial: &str, step: i64) -> Result<bool, StoreError> {
        let updated = sqlx::query(
            "UPDATE mfa_devices SET last_step = ?2 WHERE serial_number = ?1 AND (last_step IS NULL OR last_step < ?2)",
        )
        .bind(serial)
        .bind(step)
        .write(&self.writer)
        .await?;
        Ok(updated.rows_affected() > 0)
    }

    /// Deletes an unassigned device.
    ///
    /// # Errors
    /// `Conflict(ReferencedObjects)` while it is enabled; `NotFound`.
    pub async fn delete_mfa_device(&self, serial: &str) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let assigned: Option<Option<String>> =
            sqlx::query_scalar("SELECT assigned_to FROM mfa_devices WHERE serial_number = ?1")
                .bind(serial)
                .fetch_optional(&mut *tx)
                .await?;
        match assigned {
            None => return Err(StoreError::NotFound(Entity::MfaDevice)),
            Some(Some(_)) => return Err(StoreError::Conflict(Conflict::ReferencedObjects)),
            Some(None) => {}
        }
        sqlx::query("DELETE FROM tags WHERE resource_id = ?1")
            .bind(serial)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM mfa_devices WHERE serial_number = ?1")
            .bind(serial)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

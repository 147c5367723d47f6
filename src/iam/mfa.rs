//! Virtual MFA devices: CreateVirtualMFADevice (a real base32 seed and a QR code PNG),
//! EnableMFADevice and ResyncMFADevice (two consecutive TOTP codes), DeactivateMFADevice,
//! DeleteVirtualMFADevice, ListMFADevices, ListVirtualMFADevices, GetMFADevice.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html>.

use base64::Engine;
use data_encoding::BASE32_NOPAD;
use rand::RngCore;

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::protocol::{ApiError, ErrorCode, Service, XmlWriter};
use crate::store::StoreError;
use crate::store::mfa::{MfaDevice, MfaFilter};

use super::input::{EXISTING_USER_NAME, Input, NAME, PATH, Rule, USER_NAME};
use super::page::{Page, PageRequest};
use super::{errors, subject, tags};

crate::iam::input::pattern!(SERIAL, r"[\w+=/:,.@-]+", r"[A-Za-z0-9_+=/:,.@-]+");
crate::iam::input::pattern!(CODE, r"[\d]+", r"[0-9]+");

pub(crate) const SERIAL_RULE: Rule = Rule {
    min: 9,
    max: Some(256),
    pattern: Some(&SERIAL),
};
const CODE_RULE: Rule = Rule {
    min: 6,
    max: Some(6),
    pattern: Some(&CODE),
};
const DEVICE_NAME: Rule = Rule {
    min: 1,
    max: Some(226),
    pattern: Some(&NAME),
};
const BAD_PATH: &str = "The specified value for path is invalid. It must begin and end with / and contain only \
    alphanumeric characters and/or / characters.";

/// Creates an unassigned virtual MFA device with a fresh TOTP secret.
pub async fn create_virtual_mfa_device(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("VirtualMFADeviceName", &DEVICE_NAME);
    let path = input
        .optional(
            "Path",
            &Rule {
                min: 1,
                max: Some(512),
                pattern: None,
            },
        )
        .unwrap_or_else(|| "/".to_owned());
    let new_tags = input.tags("Tags").unwrap_or_default();
    input.finish()?;
    if !PATH.regex.is_match(&path) {
        return Err(ApiError::validation(BAD_PATH));
    }
    tags::check_new(&new_tags)?;

    let account = &ctx.principal.account_id;
    let mut secret = [0u8; 40];
    rand::thread_rng().fill_bytes(&mut secret);
    let seed = BASE32_NOPAD.encode(&secret);
    let device = MfaDevice {
        serial_number: format!("arn:aws:iam::{account}:mfa{path}{name}"),
        account_id: account.clone(),
        device_name: name.clone(),
        path,
        seed: seed.clone(),
        assigned_to: None,
        enabled_at: None,
        created_at: ctx.app.clock.now(),
        last_step: None,
    };
    ctx.app
        .store
        .create_mfa_device(&device, &new_tags)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists => {
                ApiError::new(ErrorCode::EntityAlreadyExists, "MFA device already exists.")
            }
            other => errors::store(other),
        })?;
    let uri = format!("otpauth://totp/iamd:{name}@{account}?secret={seed}&issuer=iamd");
    let png = qr_png(&uri).map_err(|e| ApiError::internal(&*e))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut w = XmlWriter::new();
    w.element("VirtualMFADevice", |w| {
        w.text("SerialNumber", &device.serial_number);
        // Blobs travel base64-encoded; the seed is the base32 text, the QR code a PNG.
        w.text("Base32StringSeed", &b64.encode(seed.as_bytes()));
        w.text("QRCodePNG", &b64.encode(&png));
        if !new_tags.is_empty() {
            tags::write(w, &new_tags);
        }
    });
    Ok(Reply::Result(w.finish()))
}

/// Enables a device for a user after two consecutive codes.
pub async fn enable_mfa_device(ctx: &RequestCtx<'_>) -> HandlerResult {
    let (user, device, step) = user_device_and_codes(ctx, true).await?;
    let now = ctx.app.clock.now();
    ctx.app
        .store
        .enable_mfa_device(&device.serial_number, &user.user_id, step, now)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::new(
                ErrorCode::EntityAlreadyExists,
                "MFA Device is already in use.",
            ),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Resynchronizes a user's device with two consecutive codes.
pub async fn resync_mfa_device(ctx: &RequestCtx<'_>) -> HandlerResult {
    let (user, device, step) = user_device_and_codes(ctx, false).await?;
    if device.assigned_to.as_deref() != Some(user.user_id.as_str()) {
        return Err(no_such_device(&device.serial_number));
    }
    ctx.app
        .store
        .use_mfa_step(&device.serial_number, step)
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}

/// Takes a device away from a user.
pub async fn deactivate_mfa_device(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.optional("UserName", &EXISTING_USER_NAME);
    let serial = input.required("SerialNumber", &SERIAL_RULE);
    input.finish()?;
    let user = subject::user_or_calling_user(ctx, name.as_deref()).await?;
    ctx.app
        .store
        .deactivate_mfa_device(&serial, &user.user_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => no_such_device(&serial),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Deletes a device that is not enabled for anyone.
pub async fn delete_virtual_mfa_device(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let serial = input.required("SerialNumber", &SERIAL_RULE);
    input.finish()?;
    let device = find(ctx, &serial).await?;
    ctx.app
        .store
        .delete_mfa_device(&device.serial_number)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::new(
                ErrorCode::DeleteConflict,
                "MFA Device is in use by a user. Deactivate it before deleting it.",
            ),
            StoreError::NotFound(_) => no_such_device(&serial),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// The devices enabled for a user (or the caller).
pub async fn list_mfa_devices(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.optional("UserName", &EXISTING_USER_NAME);
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;
    let user = subject::user_or_calling_user(ctx, name.as_deref()).await?;
    let devices = listed(
        ctx,
        MfaFilter::Owner(&user.user_id),
        after.as_deref(),
        &page,
    )
    .await?;
    let page = Page::from_rows(devices, &page, |d| d.serial_number.clone());
    let mut w = XmlWriter::new();
    w.list("MFADevices", &page.items, |w, device| {
        w.text("UserName", &user.user_name);
        w.text("SerialNumber", &device.serial_number);
        if let Some(at) = device.enabled_at {
            w.timestamp("EnableDate", at);
        }
    });
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// The account's virtual devices, filtered by whether they are assigned.
pub async fn list_virtual_mfa_devices(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let status = input.optional_enum("AssignmentStatus", &["Assigned", "Unassigned", "Any"]);
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;
    let filter = match status.as_deref() {
        Some("Assigned") => MfaFilter::Assigned,
        Some("Unassigned") => MfaFilter::Unassigned,
        _ => MfaFilter::Any,
    };
    let devices = listed(ctx, filter, after.as_deref(), &page).await?;
    let page = Page::from_rows(devices, &page, |d| d.serial_number.clone());
    let mut users = Vec::new();
    for device in &page.items {
        let user = match &device.assigned_to {
            Some(id) => ctx
                .app
                .store
                .find_user_by_id(id)
                .await
                .map_err(errors::store)?,
            None => None,
        };
        users.push(user);
    }
    let mut w = XmlWriter::new();
    w.list(
        "VirtualMFADevices",
        page.items.iter().zip(&users),
        |w, (device, user)| {
            w.text("SerialNumber", &device.serial_number);
            if let Some(user) = user {
                w.element("User", |w| super::users::write_user(w, user, &[]));
            }
            if let Some(at) = device.enabled_at {
                w.timestamp("EnableDate", at);
            }
        },
    );
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// One device and whom it is enabled for.
pub async fn get_mfa_device(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let serial = input.required("SerialNumber", &SERIAL_RULE);
    let name = input.optional("UserName", &USER_NAME);
    input.finish()?;
    let device = find(ctx, &serial).await?;
    let user = match (&name, &device.assigned_to) {
        (Some(name), _) => Some(subject::user(ctx, name).await?),
        (None, Some(id)) => ctx
            .app
            .store
            .find_user_by_id(id)
            .await
            .map_err(errors::store)?,
        (None, None) => None,
    };
    if let (Some(user), Some(owner)) = (&user, &device.assigned_to)
        && user.user_id != *owner
    {
        return Err(no_such_device(&serial));
    }
    let mut w = XmlWriter::new();
    w.opt_text("UserName", user.as_ref().map(|u| u.user_name.as_str()));
    w.text("SerialNumber", &device.serial_number);
    if let Some(at) = device.enabled_at {
        w.timestamp("EnableDate", at);
    }
    Ok(Reply::Result(w.finish()))
}

async fn listed(
    ctx: &RequestCtx<'_>,
    filter: MfaFilter<'_>,
    after: Option<&str>,
    page: &PageRequest,
) -> Result<Vec<MfaDevice>, ApiError> {
    ctx.app
        .store
        .list_mfa_devices(&ctx.principal.account_id, filter, after, page.fetch_limit())
        .await
        .map_err(errors::store)
}

/// The device with this serial number in the caller's account.
///
/// # Errors
/// `NoSuchEntity` with AWS's wording.
pub async fn find(ctx: &RequestCtx<'_>, serial: &str) -> Result<MfaDevice, ApiError> {
    ctx.app
        .store
        .find_mfa_device(&ctx.principal.account_id, serial)
        .await
        .map_err(errors::store)?
        .ok_or_else(|| no_such_device(serial))
}

/// `NoSuchEntity` for a device.
#[must_use]
pub fn no_such_device(serial: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("MFA Device with serial number {serial} does not exist."),
    )
}

/// Reads the user, device and two codes, and finds the step of the first code (the second
/// must be the next one), searching a few steps around now.
async fn user_device_and_codes(
    ctx: &RequestCtx<'_>,
    unassigned: bool,
) -> Result<(crate::store::users::User, MfaDevice, i64), ApiError> {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("UserName", &EXISTING_USER_NAME);
    let serial = input.required("SerialNumber", &SERIAL_RULE);
    let first = input.required("AuthenticationCode1", &CODE_RULE);
    let second = input.required("AuthenticationCode2", &CODE_RULE);
    input.finish()?;
    let user = subject::user(ctx, &name).await?;
    let device = find(ctx, &serial).await?;
    if unassigned && device.assigned_to.is_some() {
        return Err(ApiError::new(
            ErrorCode::EntityAlreadyExists,
            "MFA Device is already in use.",
        ));
    }
    let invalid = || {
        ApiError::new(
            ErrorCode::InvalidAuthenticationCode,
            "Authentication code for device is not valid.",
        )
    };
    let secret = BASE32_NOPAD
        .decode(device.seed.as_bytes())
        .map_err(|_| invalid())?;
    // Authenticators run on real time, whatever the server's clock says.
    let now = crate::totp::step_of(ctx.app.clock.wall_now().timestamp());
    let step = (now - 4..=now)
        .find(|step| {
            crate::totp::code(&secret, *step) == first
                && crate::totp::code(&secret, step + 1) == second
        })
        .ok_or_else(invalid)?;
    Ok((user, device, step + 1))
}

/// A QR code of `text` as a black-on-white PNG, four pixels a module, with a quiet zone.
fn qr_png(text: &str) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
    const SCALE: usize = 4;
    const QUIET: usize = 4;
    let code = qrcode::QrCode::new(text.as_bytes())?;
    let modules = code.width();
    let colors = code.to_colors();
    let size = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; size * size];
    for (index, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = (
                (index % modules + QUIET) * SCALE,
                (index / modules + QUIET) * SCALE,
            );
            for dy in 0..SCALE {
                let row = (y + dy) * size;
                pixels[row + x..row + x + SCALE].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    let side = u32::try_from(size)?;
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&pixels)?;
    Ok(out)
}

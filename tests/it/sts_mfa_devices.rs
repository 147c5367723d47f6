//! Virtual MFA devices, the IAM half of STS's MFA: the seed and QR code, enabling and
//! resynchronizing with real TOTP codes, listing and reading, tags, and what an enabled
//! device blocks.

use aws_sdk_iam::types::AssignmentStatusType;

use crate::common::{self, ACCOUNT, aws_error, create_user, tag, totp, totp_step_now};

const INVALID_CODE: &str = "Authentication code for device is not valid.";

/// A new virtual device; returns its serial number, base32 seed text and QR code bytes.
async fn create_device(iam: &aws_sdk_iam::Client, name: &str) -> (String, String, Vec<u8>) {
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name(name)
        .tags(tag("owner", "alice"))
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let seed = String::from_utf8(device.base32_string_seed().unwrap().as_ref().to_vec()).unwrap();
    let png = device.qr_code_png().unwrap().as_ref().to_vec();
    (device.serial_number, seed, png)
}

async fn enable(
    iam: &aws_sdk_iam::Client,
    user: &str,
    serial: &str,
    first: String,
    second: String,
) -> Result<(), common::AwsError> {
    iam.enable_mfa_device()
        .user_name(user)
        .serial_number(serial)
        .authentication_code1(first)
        .authentication_code2(second)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| aws_error::<(), _>(Err(e)))
}

async fn virtual_devices(
    iam: &aws_sdk_iam::Client,
    status: Option<AssignmentStatusType>,
) -> Vec<aws_sdk_iam::types::VirtualMfaDevice> {
    iam.list_virtual_mfa_devices()
        .set_assignment_status(status)
        .send()
        .await
        .unwrap()
        .virtual_mfa_devices
}

#[tokio::test]
async fn a_new_device_has_a_base32_seed_a_png_qr_code_its_tags_and_no_user() {
    let server = common::spawn().await;
    let iam = server.iam();
    let (serial, seed, png) = create_device(&iam, "alice-phone").await;
    assert_eq!(serial, format!("arn:aws:iam::{ACCOUNT}:mfa/alice-phone"));
    let secret = data_encoding::BASE32_NOPAD
        .decode(seed.as_bytes())
        .expect("the seed is base32 text");
    assert!(secret.len() >= 20, "a {}-byte secret", secret.len());
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{:?}", &png[..8]);
    let reader = png::Decoder::new(png.as_slice()).read_info().unwrap();
    let info = reader.info();
    assert!(info.width > 0 && info.width == info.height);

    let tags = iam
        .list_mfa_device_tags()
        .serial_number(&serial)
        .send()
        .await
        .unwrap()
        .tags;
    assert_eq!(tags.len(), 1);
    assert_eq!((tags[0].key(), tags[0].value()), ("owner", "alice"));
    iam.tag_mfa_device()
        .serial_number(&serial)
        .tags(tag("kind", "virtual"))
        .send()
        .await
        .unwrap();
    iam.untag_mfa_device()
        .serial_number(&serial)
        .tag_keys("owner")
        .send()
        .await
        .unwrap();
    let tags = iam
        .list_mfa_device_tags()
        .serial_number(&serial)
        .send()
        .await
        .unwrap()
        .tags;
    assert_eq!(tags.len(), 1);
    assert_eq!((tags[0].key(), tags[0].value()), ("kind", "virtual"));

    // Listed (seedless) among the unassigned devices and by default, not among the assigned.
    for status in [
        None,
        Some(AssignmentStatusType::Unassigned),
        Some(AssignmentStatusType::Any),
    ] {
        let devices = virtual_devices(&iam, status).await;
        assert_eq!(devices.len(), 1);
        assert_eq!(devices[0].serial_number(), serial);
        assert!(devices[0].user().is_none());
        assert!(devices[0].enable_date().is_none());
        assert!(devices[0].base32_string_seed().is_none());
        assert!(devices[0].qr_code_png().is_none());
    }
    assert!(
        virtual_devices(&iam, Some(AssignmentStatusType::Assigned))
            .await
            .is_empty()
    );
    let got = iam
        .get_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    assert_eq!(got.serial_number(), serial);
    assert_eq!(got.user_name(), None);
    assert!(got.enable_date().is_none());
}

#[tokio::test]
async fn the_device_lifecycle_from_enable_to_delete() {
    let server = common::spawn().await;
    let iam = server.iam();
    let user = create_user(&iam, "alice").await;
    create_user(&iam, "bob").await;
    let (serial, seed, _) = create_device(&iam, "alice-phone").await;
    let step = totp_step_now();

    // Wrong codes: two unrelated ones, the same code twice, and consecutive codes reversed.
    let now = totp(&seed, step);
    let wrong = [
        ("000000".to_owned(), "999999".to_owned()),
        (now.clone(), now.clone()),
        (totp(&seed, step), totp(&seed, step - 1)),
    ];
    for (first, second) in wrong {
        enable(&iam, "alice", &serial, first, second)
            .await
            .unwrap_err()
            .assert_is("InvalidAuthenticationCode", 403, INVALID_CODE);
    }
    assert!(
        iam.list_mfa_devices()
            .user_name("alice")
            .send()
            .await
            .unwrap()
            .mfa_devices
            .is_empty()
    );

    enable(
        &iam,
        "alice",
        &serial,
        totp(&seed, step - 3),
        totp(&seed, step - 2),
    )
    .await
    .unwrap();
    let listed = iam
        .list_mfa_devices()
        .user_name("alice")
        .send()
        .await
        .unwrap()
        .mfa_devices;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].user_name(), "alice");
    assert_eq!(listed[0].serial_number(), serial);
    let got = iam
        .get_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    assert_eq!(got.user_name(), Some("alice"));
    assert!(got.enable_date().is_some());
    let assigned = virtual_devices(&iam, Some(AssignmentStatusType::Assigned)).await;
    assert_eq!(assigned.len(), 1);
    let owner = assigned[0].user().unwrap();
    assert_eq!(owner.user_name(), "alice");
    assert_eq!(owner.arn(), user.arn());
    assert!(assigned[0].enable_date().is_some());
    assert!(
        virtual_devices(&iam, Some(AssignmentStatusType::Unassigned))
            .await
            .is_empty()
    );

    // One device, one user.
    enable(
        &iam,
        "bob",
        &serial,
        totp(&seed, step - 1),
        totp(&seed, step),
    )
    .await
    .unwrap_err()
    .assert_is("EntityAlreadyExists", 409, "MFA Device is already in use.");

    // Resync: wrong codes fail, the next consecutive pair works.
    let resync = |first: String, second: String| {
        iam.resync_mfa_device()
            .user_name("alice")
            .serial_number(&serial)
            .authentication_code1(first)
            .authentication_code2(second)
            .send()
    };
    aws_error(resync(totp(&seed, step), totp(&seed, step)).await).assert_is(
        "InvalidAuthenticationCode",
        403,
        INVALID_CODE,
    );
    resync(totp(&seed, step - 1), totp(&seed, step))
        .await
        .unwrap();

    // While enabled, neither the device nor its user can be deleted (the user's message is
    // checked in `deleting_a_user_with_an_enabled_device_names_the_device`).
    let delete_device = iam
        .delete_virtual_mfa_device()
        .serial_number(&serial)
        .send()
        .await;
    // AWS's wording for this conflict is not on record.
    aws_error(delete_device).assert_code("DeleteConflict", 409);
    aws_error(iam.delete_user().user_name("alice").send().await).assert_code("DeleteConflict", 409);

    // Deactivate, then both deletions go through.
    iam.deactivate_mfa_device()
        .user_name("alice")
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    assert!(
        iam.list_mfa_devices()
            .user_name("alice")
            .send()
            .await
            .unwrap()
            .mfa_devices
            .is_empty()
    );
    let unassigned = virtual_devices(&iam, Some(AssignmentStatusType::Unassigned)).await;
    assert_eq!(unassigned.len(), 1);
    assert!(unassigned[0].user().is_none());
    iam.delete_virtual_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    assert!(virtual_devices(&iam, None).await.is_empty());
    iam.delete_user().user_name("alice").send().await.unwrap();

    let gone = format!("MFA Device with serial number {serial} does not exist.");
    aws_error(
        iam.delete_virtual_mfa_device()
            .serial_number(&serial)
            .send()
            .await,
    )
    .assert_is("NoSuchEntity", 404, &gone);
    aws_error(
        iam.deactivate_mfa_device()
            .user_name("bob")
            .serial_number(&serial)
            .send()
            .await,
    )
    .assert_is("NoSuchEntity", 404, &gone);
}

#[tokio::test]
async fn unknown_users_and_bad_paths_are_refused_with_awss_wording() {
    let server = common::spawn().await;
    let iam = server.iam();
    let (serial, seed, _) = create_device(&iam, "spare").await;
    let step = totp_step_now();
    let missing_user = "The user with name nonexistent-user cannot be found.";
    enable(
        &iam,
        "nonexistent-user",
        &serial,
        totp(&seed, step - 1),
        totp(&seed, step),
    )
    .await
    .unwrap_err()
    .assert_is("NoSuchEntity", 404, missing_user);
    aws_error(
        iam.deactivate_mfa_device()
            .user_name("nonexistent-user")
            .serial_number(&serial)
            .send()
            .await,
    )
    .assert_is("NoSuchEntity", 404, missing_user);
    for path in ["invalid-path/", "/invalid-path"] {
        aws_error(
            iam.create_virtual_mfa_device()
                .virtual_mfa_device_name("pathless")
                .path(path)
                .send()
                .await,
        )
        .assert_is(
            "ValidationError",
            400,
            "The specified value for path is invalid. It must begin and end with / and contain \
             only alphanumeric characters and/or / characters.",
        );
    }
    // A device under a path has the path in its serial number.
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("pathed")
        .path("/team/")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    assert_eq!(
        device.serial_number(),
        format!("arn:aws:iam::{ACCOUNT}:mfa/team/pathed")
    );
}

#[tokio::test]
async fn creating_a_device_twice_is_entity_already_exists() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_device(&iam, "twice").await;
    let again = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("twice")
        .send()
        .await;
    aws_error(again).assert_is("EntityAlreadyExists", 409, "MFA device already exists.");
}

#[tokio::test]
async fn deleting_a_user_with_an_enabled_device_names_the_device() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    let (serial, seed, _) = create_device(&iam, "alice-phone").await;
    let step = totp_step_now();
    enable(
        &iam,
        "alice",
        &serial,
        totp(&seed, step - 1),
        totp(&seed, step),
    )
    .await
    .unwrap();
    aws_error(iam.delete_user().user_name("alice").send().await).assert_is(
        "DeleteConflict",
        409,
        "Cannot delete entity, must delete MFA device first.",
    );
}

#[tokio::test]
async fn virtual_devices_page_by_serial_number() {
    let server = common::spawn().await;
    let iam = server.iam();
    for name in ["c-phone", "a-phone", "b-phone"] {
        create_device(&iam, name).await;
    }
    let first = iam
        .list_virtual_mfa_devices()
        .max_items(2)
        .send()
        .await
        .unwrap();
    assert!(first.is_truncated());
    let second = iam
        .list_virtual_mfa_devices()
        .marker(first.marker().unwrap())
        .send()
        .await
        .unwrap();
    assert!(!second.is_truncated());
    let serials: Vec<String> = first
        .virtual_mfa_devices()
        .iter()
        .chain(second.virtual_mfa_devices())
        .map(|d| d.serial_number().to_owned())
        .collect();
    let expected: Vec<String> = ["a-phone", "b-phone", "c-phone"]
        .iter()
        .map(|name| format!("arn:aws:iam::{ACCOUNT}:mfa/{name}"))
        .collect();
    assert_eq!(serials, expected);
}

use super::*;
use base64::Engine;

fn defaults() -> Settings {
    Settings::load(None, &Overrides::default()).unwrap()
}

#[test]
fn defaults_are_development_on_sqlite() {
    let s = defaults();
    assert_eq!(s.environment, Environment::Development);
    assert_eq!(s.http.bind, "127.0.0.1:8080");
    assert_eq!(s.http.shutdown_grace_secs, 30, "actix's own default");
    assert!(s.database_url().expose_secret().starts_with("sqlite://"));
    assert!(s.auth.signing_key.is_none(), "no built-in signing key");
    assert_eq!(s.signing_key_file(), s.data_dir.join("signing-key"));
}

/// Production settings with the keys where an operator would put them.
fn production() -> Settings {
    let mut s = defaults();
    s.environment = Environment::Production;
    s.storage.key_file = Some("/etc/telederm/master-keys.json".into());
    s.notifications.public_url = Some("https://telederm.example.fr".into());
    s
}

#[test]
fn production_needs_a_public_url_and_an_encrypted_mail_relay() {
    let mut s = production();
    s.notifications.public_url = None;
    let err = s.check().unwrap_err().to_string();
    assert!(err.contains("notifications.public_url"), "{err}");

    let relay = |host: &str, tls: SmtpTls| SmtpSettings {
        host: host.into(),
        port: None,
        tls,
        username: None,
        password: None,
        client_cert: None,
        client_key: None,
        ca_file: None,
        sender: "telederm <no-reply@telederm.example.fr>".into(),
    };
    let mut s = production();
    s.notifications.smtp = Some(relay("smtp.example.fr", SmtpTls::None));
    let err = s.check().unwrap_err().to_string();
    assert!(err.contains("tls"), "{err}");
    s.notifications.smtp = Some(relay("localhost", SmtpTls::None));
    assert!(s.check().is_ok(), "a relay on this host may be plain");
    let mut half = relay("smtp.example.fr", SmtpTls::Starttls);
    half.username = Some("telederm".into());
    s.notifications.smtp = Some(half);
    let err = s.check().unwrap_err().to_string();
    assert!(err.contains("username and password"), "{err}");
    assert_eq!(relay("x", SmtpTls::Starttls).port(), 587);
    assert_eq!(relay("x", SmtpTls::Implicit).port(), 465);

    let mut plain = relay("smtp.example.fr", SmtpTls::None);
    plain.username = Some("telederm".into());
    plain.password = Some(SecretString::from("secret"));
    let mut s = defaults();
    s.notifications.smtp = Some(plain);
    let err = s.check().unwrap_err().to_string();
    assert!(
        err.contains("clear"),
        "credentials in the clear, even in development: {err}"
    );

    let mut s = defaults();
    s.notifications.digest_hour = 24;
    assert!(s.check().is_err());
}

#[test]
fn production_keeps_the_keys_out_of_the_data_folder() {
    let mut s = production();
    assert_eq!(
        s.signing_key_file(),
        PathBuf::from("/etc/telederm/signing-key"),
        "beside the master key file"
    );
    assert!(s.check().is_ok());

    s.storage.key_file = None;
    let err = s.check().unwrap_err().to_string();
    assert!(
        err.contains("master key file") && err.contains("/etc/telederm"),
        "{err}"
    );

    let mut s = production();
    s.auth.signing_key_file = Some(s.data_dir.join("keys/../signing-key"));
    let err = s.check().unwrap_err().to_string();
    assert!(err.contains("signing key file"), "{err}");
}

#[test]
fn webhooks_need_https_in_production_and_stay_off_private_networks_by_default() {
    let mut s = defaults();
    assert!(!s.notifications.allow_private_targets);
    assert!(!crate::notify::target::TargetPolicy::from_settings(&s).require_https);
    s.environment = Environment::Production;
    assert!(crate::notify::target::TargetPolicy::from_settings(&s).require_https);
    assert!(!crate::notify::target::TargetPolicy::from_settings(&s).allow_private);
}

#[test]
fn short_keys_ambiguous_keys_and_long_tokens_are_refused() {
    let mut s = defaults();
    s.auth.signing_key = Some(SecretString::from(
        base64::engine::general_purpose::STANDARD.encode([7u8; 31]),
    ));
    assert!(s.check().is_err());
    let mut s = defaults();
    s.auth.signing_key = Some(SecretString::from(
        base64::engine::general_purpose::STANDARD.encode([7u8; 32]),
    ));
    s.auth.signing_key_file = Some("/etc/telederm/signing-key".into());
    assert!(s.check().unwrap_err().to_string().contains("not both"));
    let mut s = defaults();
    s.auth.token_ttl_secs = 7200;
    assert!(s.check().is_err());
}

#[test]
fn memory_budgets_must_hold_what_one_request_or_photo_may_take() {
    let s = defaults();
    assert_eq!(
        (s.photos.max_decoded_bytes, s.photos.decode_budget_bytes),
        (256 * MIB, 512 * MIB)
    );
    let mut s = defaults();
    s.photos.decode_budget_bytes = s.photos.max_decoded_bytes - 1;
    assert!(s
        .check()
        .unwrap_err()
        .to_string()
        .contains("decode_budget_bytes"));
    let mut s = defaults();
    s.photos.upload_budget_bytes = s.photos.max_request_bytes as u64 - 1;
    assert!(s
        .check()
        .unwrap_err()
        .to_string()
        .contains("upload_budget_bytes"));
    let mut s = defaults();
    s.photos.max_decoded_bytes = 5 << 30;
    s.photos.decode_budget_bytes = 8 << 30;
    assert!(s.check().unwrap_err().to_string().contains("at most 4 GiB"));
}

#[test]
fn an_upload_body_has_a_deadline_no_shorter_than_its_idle_timeout() {
    let mut s = defaults();
    assert_eq!(
        (s.photos.body_idle_timeout_secs, s.photos.body_deadline_secs),
        (30, 600)
    );
    s.photos.body_deadline_secs = 29;
    assert!(s
        .check()
        .unwrap_err()
        .to_string()
        .contains("body_deadline_secs"));
}

#[test]
fn flags_override_defaults() {
    let o = Overrides {
        bind: Some("127.0.0.1:0".into()),
        data_dir: Some("/tmp/x".into()),
    };
    let s = Settings::load(None, &o).unwrap();
    assert_eq!(s.http.bind, "127.0.0.1:0");
    assert_eq!(s.data_dir, PathBuf::from("/tmp/x"));
}

#[test]
fn web_sessions_last_30_minutes_unused_and_12_hours_at_most() {
    let mut s = defaults();
    assert_eq!(
        (s.web.session_idle_secs, s.web.session_max_secs),
        (1800, 43_200)
    );
    s.web.session_max_secs = 600;
    let err = s.check().unwrap_err().to_string();
    assert!(err.contains("session_max_secs"), "{err}");
    s.web.session_idle_secs = 0;
    assert!(s.check().is_err());
}

/// `[storage.s3]` as an operator writes it, parsed from a file.
fn on_s3(extra: &str) -> anyhow::Result<Settings> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("telederm.toml");
    let endpoint = if extra.contains("endpoint") {
        ""
    } else {
        "endpoint = \"https://s3.fr-par.scw.cloud\"\n"
    };
    let toml = format!(
        "[storage]\nkind = \"s3\"\n[storage.s3]\n{endpoint}region = \"fr-par\"\n\
         bucket = \"telederm-photos\"\naccess_key_id = \"SCWKEYID\"\n\
         secret_access_key = \"very-secret-key\"\n{extra}"
    );
    std::fs::write(&file, toml)?;
    Settings::load(Some(&file), &Overrides::default())
}

#[test]
fn the_store_is_local_unless_s3_is_chosen_and_its_secrets_stay_out_of_debug() {
    assert_eq!(defaults().storage.kind, StorageKind::Local);
    let s = on_s3("").unwrap();
    assert_eq!(s.storage.kind, StorageKind::S3);
    let s3 = s.storage.s3.as_ref().unwrap();
    assert_eq!(s3.secret_access_key.expose_secret(), "very-secret-key");
    assert!(!s3.path_style && !s3.allow_http && s3.prefix.is_none());
    assert_eq!(s3.timeout_secs, 30);
    let printed = format!("{s:?}");
    assert!(printed.contains("telederm-photos"), "{printed}");
    assert!(!printed.contains("very-secret-key") && !printed.contains("SCWKEYID"));
    // Virtual-hosted style puts the bucket in the host name; path style leaves it out.
    assert_eq!(
        s3.request_endpoint().unwrap().as_deref(),
        Some("https://telederm-photos.s3.fr-par.scw.cloud")
    );
    let s = on_s3("path_style = true\nprefix = \"prod/photos\"").unwrap();
    let s3 = s.storage.s3.unwrap();
    assert_eq!(
        s3.request_endpoint().unwrap().as_deref(),
        Some("https://s3.fr-par.scw.cloud")
    );
    assert_eq!(s3.prefix.as_deref(), Some("prod/photos"));
}

#[test]
fn s3_settings_that_would_be_unsafe_or_half_set_are_refused() {
    let refused = |extra: &str, says: &str| {
        let err = format!("{:#}", on_s3(extra).unwrap_err());
        assert!(err.contains(says), "{extra}: {err}");
    };
    refused("allow_http = true", "allow_http");
    refused("endpoint = \"http://s3.example.fr\"", "use https");
    refused(
        "endpoint = \"http://s3.example.fr\"\nallow_http = true",
        "only allowed to an endpoint on this host",
    );
    refused("prefix = \"/prod\"", "storage.s3.prefix");
    refused("prefix = \"prod/\"", "storage.s3.prefix");
    refused("prefix = \"Prod\"", "storage.s3.prefix");
    refused("timeout_secs = 0", "timeout_secs");
    let mut s = on_s3("endpoint = \"http://127.0.0.1:9000\"\nallow_http = true\npath_style = true")
        .unwrap();
    s.check().unwrap();
    s.environment = Environment::Production;
    s.storage.key_file = Some("/etc/telederm/master-keys.json".into());
    s.notifications.public_url = Some("https://telederm.example.fr".into());
    let err = s.check().unwrap_err().to_string();
    assert!(err.contains("outside production"), "{err}");

    let mut s = defaults();
    s.storage.kind = StorageKind::S3;
    assert!(s
        .check()
        .unwrap_err()
        .to_string()
        .contains("needs the storage.s3"));
    let mut s = on_s3("").unwrap();
    s.storage.kind = StorageKind::Local;
    assert!(s
        .check()
        .unwrap_err()
        .to_string()
        .contains("storage.kind is \"local\""));
}

/// `[notifications.smtp]` with the given credential lines, parsed from a file as an operator
/// (or a blank `TELEDERM__NOTIFICATIONS__SMTP__PASSWORD=`) writes it.
fn with_smtp(credentials: &str) -> anyhow::Result<Settings> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("telederm.toml");
    let toml = format!(
        "[notifications.smtp]\nhost = \"smtp.example.fr\"\n\
         sender = \"telederm <no-reply@telederm.example.fr>\"\n{credentials}"
    );
    std::fs::write(&file, toml)?;
    Settings::load(Some(&file), &Overrides::default())
}

#[test]
fn an_empty_smtp_username_or_password_counts_as_unset() {
    for half in [
        "username = \"telederm\"\npassword = \"\"",
        "username = \"\"\npassword = \"secret\"",
    ] {
        let err = format!("{:#}", with_smtp(half).unwrap_err());
        assert!(err.contains("username and password"), "{half}: {err}");
    }
    let s = with_smtp("username = \"\"\npassword = \"\"").unwrap();
    let smtp = s.notifications.smtp.unwrap();
    assert!(smtp.username.is_none() && smtp.password.is_none());
    let s = with_smtp("username = \"telederm\"\npassword = \"secret\"").unwrap();
    let smtp = s.notifications.smtp.unwrap();
    assert_eq!(smtp.username.as_deref(), Some("telederm"));
    assert_eq!(smtp.password.unwrap().expose_secret(), "secret");
}

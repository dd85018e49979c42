//! The SMTP sink (`telederm_tests::smtp`) against lettre, the client the server sends mail with:
//! what it keeps, how it refuses, STARTTLS, and client certificates. Skips without aiosmtpd.

use lettre::{
    message::{Mailbox, MultiPart},
    transport::smtp::{
        client::{Certificate, Identity, Tls, TlsParameters},
        Error,
    },
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use rustls_pki_types::{pem::PemObject, CertificateDer};
use telederm_tests::smtp::{Behaviour, ClientPki, SmtpSink, TlsFiles};

type Client = AsyncSmtpTransport<Tokio1Executor>;

fn mailbox(address: &str) -> Mailbox {
    address.parse().unwrap()
}

fn message(subject: &str) -> Message {
    Message::builder()
        .from(mailbox("Télédermatologie <noreply@telederm.test>"))
        .to(mailbox("dr.martin@example.org"))
        .bcc(mailbox("coordination@example.org"))
        .subject(subject)
        .multipart(MultiPart::alternative_plain_html(
            "Un avis est prêt.\nOuvrez le dossier.".to_string(),
            "<p>Un avis est <b>prêt</b>.</p>".to_string(),
        ))
        .unwrap()
}

/// A client that never upgrades to TLS.
fn plain(sink: &SmtpSink) -> Client {
    Client::builder_dangerous("127.0.0.1")
        .port(sink.port())
        .tls(Tls::None)
        .build()
}

/// A client that requires STARTTLS, trusting `root` (PEM) on top of the web's roots.
fn starttls(sink: &SmtpSink, root: Option<&TlsFiles>, identity: Option<Identity>) -> Client {
    let mut params = TlsParameters::builder("localhost".to_string());
    if let Some(root) = root {
        let pem = std::fs::read(&root.cert).unwrap();
        params = params.add_root_certificate(Certificate::from_pem(&pem).unwrap());
    }
    if let Some(identity) = identity {
        params = params.identify_with(identity);
    }
    Client::builder_dangerous("127.0.0.1")
        .port(sink.port())
        .tls(Tls::Required(params.build_rustls().unwrap()))
        .build()
}

/// The client identity of `pki`. lettre 0.11.23's rustls backend takes the certificate given
/// to `Identity::from_pem` as DER (only the key is read as PEM): a PEM file must be decoded first.
fn identity(pki: &ClientPki) -> Identity {
    let cert = CertificateDer::from_pem_file(&pki.cert).unwrap();
    let key = std::fs::read(&pki.key).unwrap();
    Identity::from_pem(&cert, &key).unwrap()
}

/// The error and its causes, one after another.
fn causes(error: &Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        text = format!("{text}: {inner}");
        cause = inner.source();
    }
    text
}

fn reply_code(error: &Error) -> String {
    error
        .status()
        .map(|code| code.to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_plain_message_arrives_decoded_with_its_envelope() {
    let Some(sink) = SmtpSink::start(Behaviour::default()) else {
        return;
    };

    plain(&sink)
        .send(message("Dossier TD-0042 : avis rendu"))
        .await
        .unwrap();

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let mail = &messages[0];
    assert_eq!(mail.mail_from, "noreply@telederm.test");
    assert_eq!(
        mail.rcpt_tos,
        ["dr.martin@example.org", "coordination@example.org"]
    );
    assert_eq!(
        mail.subject.as_deref(),
        Some("Dossier TD-0042 : avis rendu")
    );
    assert_eq!(mail.header("SUBJECT"), mail.subject.as_deref());
    assert_eq!(
        mail.header("from"),
        Some("Télédermatologie <noreply@telederm.test>")
    );
    assert_eq!(mail.header("bcc"), None, "Bcc stays in the envelope");
    assert_eq!(
        mail.text.as_deref(),
        Some("Un avis est prêt.\nOuvrez le dossier.")
    );
    assert_eq!(
        mail.html.as_deref(),
        Some("<p>Un avis est <b>prêt</b>.</p>")
    );
    assert_eq!(
        mail.content_types,
        ["multipart/alternative", "text/plain", "text/html"]
    );
    assert!(!mail.tls);
    // The wire form is encoded: the accented sender name is an RFC 2047 word there.
    assert!(mail.raw.contains("From: =?utf-8?"), "{}", mail.raw);
    assert_eq!(sink.refused(), 0);
}

#[tokio::test]
async fn refuse_first_fails_one_send_with_a_transient_error_then_accepts() {
    let Some(sink) = SmtpSink::start(Behaviour {
        refuse_first: 1,
        ..Behaviour::default()
    }) else {
        return;
    };
    let client = plain(&sink);

    let error = client.send(message("premier")).await.unwrap_err();
    assert!(error.is_transient(), "{error:?}");
    assert_eq!(reply_code(&error), "451");
    assert!(sink.messages().is_empty());
    assert_eq!(sink.refused(), 1);

    client.send(message("second")).await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].subject.as_deref(), Some("second"));
    assert_eq!(sink.refused(), 1);
}

#[tokio::test]
async fn refuse_always_with_a_5xx_code_fails_every_send_permanently() {
    let Some(sink) = SmtpSink::start(Behaviour {
        refuse_always: true,
        refuse_code: 550,
        ..Behaviour::default()
    }) else {
        return;
    };
    let client = plain(&sink);

    for attempt in 1..=2 {
        let error = client.send(message("refusé")).await.unwrap_err();
        assert!(error.is_permanent(), "{error:?}");
        assert_eq!(reply_code(&error), "550");
        assert_eq!(sink.refused(), attempt);
    }
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn starttls_is_required_and_trusted_through_the_added_root() {
    let certs = tempfile::tempdir().unwrap();
    let server = TlsFiles::self_signed(certs.path());
    let Some(sink) = SmtpSink::start(Behaviour {
        tls: Some(server.clone()),
        ..Behaviour::default()
    }) else {
        return;
    };

    let error = plain(&sink).send(message("en clair")).await.unwrap_err();
    assert_eq!(reply_code(&error), "530", "{error:?}");

    let error = starttls(&sink, None, None)
        .send(message("sans confiance"))
        .await
        .unwrap_err();
    assert!(
        causes(&error).contains("invalid peer certificate: UnknownIssuer"),
        "{error:?}"
    );
    assert!(sink.messages().is_empty());

    starttls(&sink, Some(&server), None)
        .send(message("chiffré"))
        .await
        .unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].subject.as_deref(), Some("chiffré"));
    assert!(messages[0].tls);
}

#[tokio::test]
async fn a_relay_asking_for_a_client_certificate_takes_only_one_its_ca_signed() {
    let certs = tempfile::tempdir().unwrap();
    let server = TlsFiles::self_signed(certs.path());
    let pki = ClientPki::new(certs.path());
    let Some(sink) = SmtpSink::start(Behaviour {
        tls: Some(server.clone()),
        client_ca: Some(pki.ca.clone()),
        ..Behaviour::default()
    }) else {
        return;
    };

    let error = starttls(&sink, Some(&server), None)
        .send(message("anonyme"))
        .await;
    assert!(error.is_err(), "sent without a client certificate");
    assert!(sink.messages().is_empty());

    let strangers = tempfile::tempdir().unwrap();
    let error = starttls(
        &sink,
        Some(&server),
        Some(identity(&ClientPki::new(strangers.path()))),
    )
    .send(message("inconnu"))
    .await;
    assert!(error.is_err(), "sent with a certificate another CA signed");
    assert!(sink.messages().is_empty());

    starttls(&sink, Some(&server), Some(identity(&pki)))
        .send(message("identifié"))
        .await
        .unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].subject.as_deref(), Some("identifié"));
    assert!(messages[0].tls);
}

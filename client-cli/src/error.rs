//! How failures are shown: one `error:` line, and a `hint:` line for the common ones.

use crate::client::ClientError;

/// The saved login is missing (or is for another server). Commands that need a token fail
/// with this before sending anything.
#[derive(Debug, thiserror::Error)]
#[error("not logged in; run `telederm login --email ...`")]
pub struct NotLoggedIn {
    /// Set when a login exists but for a different server than the one asked for.
    pub saved_server: Option<String>,
}

/// The text printed on stderr for a failed command. `during_login` matters because a 401
/// from `login` means a wrong password, not an expired session.
pub fn render(err: &anyhow::Error, during_login: bool) -> String {
    let mut text = format!("error: {err:#}\n");
    // What is wrong with each field is the useful part of a `validation_failed`.
    if let Some(ClientError::Api(api)) = err.downcast_ref::<ClientError>() {
        for e in &api.errors {
            text.push_str(&format!("  {}: {}\n", e.field, e.message));
        }
    }
    if let Some(hint) = hint(err, during_login) {
        text.push_str("hint: ");
        text.push_str(&hint);
        text.push('\n');
    }
    text
}

fn hint(err: &anyhow::Error, during_login: bool) -> Option<String> {
    if let Some(e) = err.downcast_ref::<NotLoggedIn>() {
        return e.saved_server.as_ref().map(|saved| {
            format!("your saved login is for {saved}; pass --server {saved} to use it")
        });
    }
    match err.downcast_ref::<ClientError>()? {
        ClientError::Api(api) => match api.code.as_str() {
            "unauthenticated" if !during_login => Some(
                "your login has expired or was revoked; run `telederm login --email ...`".into(),
            ),
            "rate_limited" => Some("too many failed attempts; wait and retry".into()),
            "case_erased" => Some(
                "the case was erased (retention period over, or by an administrator): its photos and clinical text no longer exist".into(),
            ),
            _ => None,
        },
        ClientError::Connect { url, .. } => Some(format!(
            "is the server running at {url}? set --server or TELEDERM_SERVER"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ApiError;
    use telederm_schemas::FieldError;

    fn api(code: &str) -> anyhow::Error {
        ClientError::Api(ApiError {
            status: 401,
            code: code.into(),
            detail: "the token has expired".into(),
            request_id: Some("r-1".into()),
            errors: vec![],
        })
        .into()
    }

    #[test]
    fn validation_errors_list_every_field() {
        let err: anyhow::Error = ClientError::Api(ApiError {
            status: 422,
            code: "validation_failed".into(),
            detail: "the request has invalid fields".into(),
            request_id: Some("r-2".into()),
            errors: vec![
                FieldError {
                    field: "consent".into(),
                    message: "the patient's consent is required".into(),
                },
                FieldError {
                    field: "age".into(),
                    message: "must be between 0 and 130 years".into(),
                },
            ],
        })
        .into();
        assert_eq!(
            render(&err, false),
            "error: the request has invalid fields (validation_failed, request r-2)\n  \
             consent: the patient's consent is required\n  \
             age: must be between 0 and 130 years\n"
        );
    }

    #[test]
    fn unauthenticated_hints_except_during_login() {
        let text = render(&api("unauthenticated"), false);
        assert_eq!(
            text,
            "error: the token has expired (unauthenticated, request r-1)\n\
             hint: your login has expired or was revoked; run `telederm login --email ...`\n"
        );
        assert!(!render(&api("unauthenticated"), true).contains("hint:"));
    }

    #[test]
    fn rate_limited_and_connect_hints() {
        assert!(render(&api("rate_limited"), true).contains("hint: too many failed attempts"));
        assert!(render(&api("case_erased"), false).contains("hint: the case was erased"));
        let err = ClientError::Connect {
            url: "http://127.0.0.1:9".into(),
            cause: "Connection refused (os error 111)".into(),
        };
        let text = render(&err.into(), false);
        assert!(
            text.contains("hint: is the server running at http://127.0.0.1:9?"),
            "{text}"
        );
    }

    #[test]
    fn not_logged_in_message() {
        let text = render(&NotLoggedIn { saved_server: None }.into(), false);
        assert_eq!(
            text,
            "error: not logged in; run `telederm login --email ...`\n"
        );
    }
}

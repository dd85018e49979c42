//! Stopping the server (SIGINT as Ctrl-C sends it, SIGTERM as systemd does) lets requests in
//! flight finish: a photo upload still arriving over a slow link is acknowledged, not cut.

use std::{process::Command, time::Duration};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{server, start_command, Running};

const BOUNDARY: &str = "telederm-shutdown-test";

/// The multipart body of `POST /cases` with the test case and one photo.
fn submission() -> Vec<u8> {
    let photo = telederm_tests::fixtures::jpeg(&telederm_tests::fixtures::lesion(96, 80));
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"case\"\r\n\
         Content-Type: application/json\r\n\r\n{}\r\n--{BOUNDARY}\r\n\
         Content-Disposition: form-data; name=\"overview\"; filename=\"0.jpg\"\r\n\r\n",
        telederm_tests::case_json()
    )
    .into_bytes();
    body.extend_from_slice(&photo);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Waits for the server to log a line holding every one of `words` (a bounded wait on its log,
/// not a sleep); panics with `what` otherwise.
fn logged(running: &Running, words: &[&str], what: &str) {
    loop {
        let line = running
            .lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("{what}: not logged ({e})"));
        if words.iter().all(|w| line.contains(w)) {
            return;
        }
    }
}

async fn login(port: u16) -> String {
    let res = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/v1/auth/login"))
        .json(&serde_json::json!({
            "email": "gp13@demo.test",
            "password": telederm_server::demo::PASSWORD,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let token: telederm_schemas::TokenResponse = res.json().await.unwrap();
    token.access_token
}

#[tokio::test]
async fn sigint_during_an_upload_lets_it_finish_and_be_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = server(dir.path());
    cmd.args(["serve", "--demo", "--bind", "127.0.0.1:0"]);
    let mut running = start_command(cmd);
    let token = login(running.port).await;
    logged(&running, &["request completed"], "the login");

    let body = submission();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut conn = tokio::net::TcpStream::connect(("127.0.0.1", running.port))
        .await
        .unwrap();
    let head = format!(
        "POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(first).await.unwrap();
    logged(&running, &["method=POST", "request started"], "the upload");

    let sent = Command::new("kill")
        .args(["-INT", &running.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    logged(&running, &["SIGINT", "stopping"], "the stop");
    // The rest of the photo arrives after the stop began.
    conn.write_all(rest).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), conn.read_to_end(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");

    let exit = running.child.wait().unwrap();
    assert!(exit.success(), "a graceful stop exits 0, got {exit:?}");
}

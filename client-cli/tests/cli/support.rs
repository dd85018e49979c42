//! A scripted HTTP/1.1 server and a way to run the binary in an isolated config directory.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub body: String,
}

pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        let content_type = if status >= 400 {
            "application/problem+json"
        } else {
            "application/json"
        };
        Reply {
            status,
            content_type,
            body: body.to_string(),
        }
    }
}

pub fn problem(status: u16, code: &str, detail: &str) -> Reply {
    Reply::json(
        status,
        serde_json::json!({
            "type": format!("https://telederm.test/problems/{code}"),
            "title": code, "status": status, "code": code, "detail": detail,
            "request_id": "req-42",
        }),
    )
}

pub struct FakeServer {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Request>>>,
}

/// Serves each connection on a background thread with `handler`; one request per connection.
pub fn serve(handler: impl Fn(&Request) -> Reply + Send + 'static) -> FakeServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let Some(request) = read_request(&stream) else {
                continue;
            };
            seen.lock().unwrap().push(request.clone());
            write_reply(stream, handler(&request));
        }
    });
    FakeServer { url, requests }
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let (mut length, mut authorization) = (0, None);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "authorization" => authorization = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        authorization,
        body: String::from_utf8(body).ok()?,
    })
}

fn write_reply(mut stream: TcpStream, reply: Reply) {
    let head = format!(
        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nx-request-id: hdr-1\r\nconnection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(reply.body.as_bytes());
}

/// A URL where nothing listens: bind a port, then free it.
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `telederm` with `args`, `stdin`, and the config directory `dir`, ignoring the
/// developer's own environment (server, time zone).
pub fn telederm(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_telederm"))
        .args(args)
        .env("TELEDERM_CONFIG_DIR", dir)
        .env_remove("TELEDERM_SERVER")
        // Times print in the local zone: a fixed UTC+1 all year (POSIX form, no tz database
        // needed) keeps golden files stable and shows the offset.
        .env("TZ", "CET-1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Run {
        code: status.code().unwrap(),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

pub fn credentials_path(dir: &Path) -> PathBuf {
    dir.join("credentials.json")
}

//! Uploads that stop half way: raw HTTP/1.1 over TCP, sending the headers and part of a multipart
//! body (never its closing boundary), then nothing, or a byte now and then.

use std::time::Duration;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

const BOUNDARY: &str = "telederm-stalled-upload";

/// How the body's length is told to the server.
#[derive(Debug, Clone, Copy)]
pub enum Framing {
    /// `Content-Length` announcing `unsent` bytes more than are sent.
    Announced { unsent: usize },
    /// `Transfer-Encoding: chunked`: the server learns the length only as the body comes.
    Chunked,
}

/// An upload of a case whose body stopped after `body_sent` bytes.
pub struct StalledUpload {
    stream: TcpStream,
    framing: Framing,
    /// Body bytes sent (the server counts these, not the request line, headers or chunk sizes).
    pub body_sent: usize,
    /// The `Content-Length` announced, if any.
    pub announced: Option<usize>,
}

/// A server answer: status, headers (lower-case names) and body.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The problem+json `code`.
    pub fn code(&self) -> String {
        let problem: serde_json::Value = serde_json::from_str(&self.body).unwrap();
        problem["code"].as_str().unwrap().to_owned()
    }
}

impl StalledUpload {
    /// `POST /api/v1/cases` announcing a body 1 KiB larger than what it sends: the case JSON,
    /// then a photo part of which only `photo_bytes` bytes are sent.
    pub async fn start(address: &str, token: &str, photo_bytes: usize) -> StalledUpload {
        Self::start_with(
            address,
            token,
            photo_bytes,
            Framing::Announced { unsent: 1024 },
        )
        .await
    }

    /// As `start`, with the body's length told as `framing` says.
    pub async fn start_with(
        address: &str,
        token: &str,
        photo_bytes: usize,
        framing: Framing,
    ) -> StalledUpload {
        let host = address.trim_start_matches("http://");
        let case = crate::case_json().to_string();
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"case\"\r\n\
             Content-Type: application/json\r\n\r\n{case}\r\n--{BOUNDARY}\r\n\
             Content-Disposition: form-data; name=\"overview\"; filename=\"p.jpg\"\r\n\
             Content-Type: image/jpeg\r\n\r\n"
        )
        .into_bytes();
        body.extend(std::iter::repeat_n(0xAB, photo_bytes));
        // The rest of the photo and the closing boundary never come.
        let (length, announced) = match framing {
            Framing::Announced { unsent } => {
                let announced = body.len() + unsent;
                (format!("Content-Length: {announced}"), Some(announced))
            }
            Framing::Chunked => ("Transfer-Encoding: chunked".to_owned(), None),
        };
        let head = format!(
            "POST /api/v1/cases HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{length}\r\n\r\n"
        );
        let mut stream = TcpStream::connect(host).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&frame(framing, &body)).await.unwrap();
        stream.flush().await.unwrap();
        StalledUpload {
            stream,
            framing,
            body_sent: body.len(),
            announced,
        }
    }

    /// Sends one more photo byte every `every`, steadily, until the server answers; returns the
    /// answer.
    pub async fn trickle_until_answered(mut self, every: Duration) -> RawResponse {
        let byte = frame(self.framing, &[0xAB]);
        let mut ticks = tokio::time::interval(every);
        let mut answer = [0u8; 1];
        loop {
            tokio::select! {
                read = self.stream.peek(&mut answer) => {
                    assert!(read.unwrap() > 0, "the server closed the connection without answering");
                    return self.response().await;
                }
                _ = ticks.tick() => {
                    // The server may have stopped reading: a failed write shows in its answer.
                    let _ = self.stream.write_all(&byte).await;
                }
            }
        }
    }

    /// Waits for the server's answer (the client sends nothing more).
    pub async fn response(mut self) -> RawResponse {
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        let head_end = loop {
            let n = self.stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the server closed the connection without answering");
            raw.extend_from_slice(&buf[..n]);
            if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let head = String::from_utf8(raw[..head_end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap());
        while raw.len() < head_end + length {
            let n = self.stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the answer was cut short");
            raw.extend_from_slice(&buf[..n]);
        }
        let body = String::from_utf8(raw[head_end..head_end + length].to_vec()).unwrap();
        RawResponse {
            status,
            headers,
            body,
        }
    }
}

/// `data` as the body carries it: as is, or as one chunk (never the last one).
fn frame(framing: Framing, data: &[u8]) -> Vec<u8> {
    match framing {
        Framing::Announced { .. } => data.to_vec(),
        Framing::Chunked => {
            let mut chunk = format!("{:x}\r\n", data.len()).into_bytes();
            chunk.extend_from_slice(data);
            chunk.extend_from_slice(b"\r\n");
            chunk
        }
    }
}

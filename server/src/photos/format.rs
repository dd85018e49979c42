//! Which image format a file really is, from its first bytes (names and declared types lie).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    Webp,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Webp => "webp",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        [Format::Jpeg, Format::Png, Format::Webp]
            .into_iter()
            .find(|f| f.as_str() == s)
    }

    pub fn image_format(self) -> image::ImageFormat {
        match self {
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Png => image::ImageFormat::Png,
            Format::Webp => image::ImageFormat::WebP,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    Supported(Format),
    /// `kind` names what it looks like (`heic`, `gif`, `pdf`, ...); `hint` tells the GP what to do.
    Unsupported {
        kind: &'static str,
        hint: &'static str,
    },
}

pub fn sniff(bytes: &[u8]) -> Sniffed {
    use Sniffed::*;
    const EXPORT: &str = "send the photo as JPEG, PNG or WebP";
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Supported(Format::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Supported(Format::Png);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Supported(Format::Webp);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        return if brand.starts_with(b"avi") {
            Unsupported {
                kind: "avif",
                hint: "AVIF is not accepted: export the photo as JPEG",
            }
        } else if [
            b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1",
        ]
        .iter()
        .any(|b| brand == *b)
        {
            Unsupported {
                kind: "heic",
                hint: "HEIC (iPhone) is not accepted: set Camera > Formats > Most Compatible, \
                       or export the photo as JPEG",
            }
        } else {
            Unsupported {
                kind: "video",
                hint: "videos are not accepted: send still photos as JPEG, PNG or WebP",
            }
        };
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Unsupported {
            kind: "gif",
            hint: EXPORT,
        };
    }
    if bytes.starts_with(b"%PDF") {
        return Unsupported {
            kind: "pdf",
            hint: "PDF is not accepted: attach the photos themselves as JPEG, PNG or WebP",
        };
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Unsupported {
            kind: "tiff",
            hint: EXPORT,
        };
    }
    if bytes.starts_with(b"BM") {
        return Unsupported {
            kind: "bmp",
            hint: EXPORT,
        };
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    if head.contains("<svg") {
        return Unsupported {
            kind: "svg",
            hint: "SVG drawings are not accepted: send a photo as JPEG, PNG or WebP",
        };
    }
    if !bytes.is_empty() && std::str::from_utf8(&bytes[..bytes.len().min(512)]).is_ok() {
        return Unsupported {
            kind: "text",
            hint: "this is text, not a photo: send the photo as JPEG, PNG or WebP",
        };
    }
    Unsupported {
        kind: "unknown",
        hint: EXPORT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_formats_by_magic() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0rest"),
            Sniffed::Supported(Format::Jpeg)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\nrest"),
            Sniffed::Supported(Format::Png)
        );
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Sniffed::Supported(Format::Webp)
        );
    }

    #[test]
    fn unsupported_formats_get_a_kind() {
        let kind = |b: &[u8]| match sniff(b) {
            Sniffed::Unsupported { kind, .. } => kind,
            Sniffed::Supported(f) => f.as_str(),
        };
        assert_eq!(kind(b"\0\0\0\x18ftypheic\0\0\0\0"), "heic");
        assert_eq!(kind(b"\0\0\0\x18ftypavif\0\0\0\0"), "avif");
        assert_eq!(kind(b"GIF89a...."), "gif");
        assert_eq!(kind(b"%PDF-1.7"), "pdf");
        assert_eq!(kind(b"<?xml version='1.0'?><svg xmlns="), "svg");
        assert_eq!(kind(b"hello, world"), "text");
        assert_eq!(kind(b"\x00\x01\x02\xff\xfe"), "unknown");
        assert_eq!(kind(b""), "unknown");
    }
}

//! Plaintext (photos, clinical text) is wiped from memory when dropped, not just freed.
//!
//! `Zeroizing<Vec<u8>>` wipes the buffer it holds when dropped, but a `Vec` that grows moves its
//! bytes to a new allocation and frees the old one as it is. [`WipingBuf`] grows by copying into a
//! larger buffer and wiping the old one, so no copy is left behind by growth.

use image::DynamicImage;
use serde::Serialize;
use zeroize::{Zeroize, Zeroizing};

/// A growable byte buffer that leaves no unwiped copy behind.
#[derive(Default)]
pub struct WipingBuf(Zeroizing<Vec<u8>>);

impl WipingBuf {
    pub fn with_capacity(capacity: usize) -> WipingBuf {
        WipingBuf(Zeroizing::new(Vec::with_capacity(capacity)))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        let needed = self.0.len().saturating_add(bytes.len());
        if needed > self.0.capacity() {
            let mut grown = Vec::with_capacity(needed.max(self.0.capacity().saturating_mul(2)));
            grown.extend_from_slice(&self.0);
            // The old buffer is wiped as it is dropped here.
            self.0 = Zeroizing::new(grown);
        }
        self.0.extend_from_slice(bytes);
    }

    /// The bytes, in a buffer no more than an eighth larger than they are (a buffer grown by
    /// doubling can be nearly twice their size, memory no budget counted).
    pub fn into_inner(self) -> Zeroizing<Vec<u8>> {
        let len = self.0.len();
        if self.0.capacity() - len <= len / 8 {
            return self.0;
        }
        let mut exact = Vec::with_capacity(len);
        exact.extend_from_slice(&self.0);
        Zeroizing::new(exact)
    }
}

impl std::io::Write for WipingBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `serde_json::to_vec`, into a buffer that is wiped when dropped and leaves no copy behind.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Zeroizing<Vec<u8>>> {
    let mut buf = WipingBuf::with_capacity(4096);
    serde_json::to_writer(&mut buf, value)?;
    Ok(buf.into_inner())
}

/// Overwrites a decoded image's pixels with zeros (they are the photo, in the clear).
pub fn wipe_image(image: &mut DynamicImage) {
    match image {
        DynamicImage::ImageLuma8(i) => i.zeroize_pixels(),
        DynamicImage::ImageLumaA8(i) => i.zeroize_pixels(),
        DynamicImage::ImageRgb8(i) => i.zeroize_pixels(),
        DynamicImage::ImageRgba8(i) => i.zeroize_pixels(),
        DynamicImage::ImageLuma16(i) => i.zeroize_pixels(),
        DynamicImage::ImageLumaA16(i) => i.zeroize_pixels(),
        DynamicImage::ImageRgb16(i) => i.zeroize_pixels(),
        DynamicImage::ImageRgba16(i) => i.zeroize_pixels(),
        DynamicImage::ImageRgb32F(i) => i.zeroize_pixels(),
        DynamicImage::ImageRgba32F(i) => i.zeroize_pixels(),
        // Variants added by later versions of `image`: our decoders do not produce them.
        _ => {}
    }
}

trait ZeroizePixels {
    fn zeroize_pixels(&mut self);
}

impl<P, S> ZeroizePixels for image::ImageBuffer<P, Vec<S>>
where
    P: image::Pixel<Subpixel = S>,
    S: zeroize::DefaultIsZeroes,
{
    fn zeroize_pixels(&mut self) {
        let subpixels: &mut [S] = self;
        subpixels.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growing_keeps_every_byte_in_order() {
        let mut buf = WipingBuf::with_capacity(2);
        for chunk in [&b"ab"[..], b"cde", b"", b"fghijklmnop"] {
            buf.extend_from_slice(chunk);
        }
        assert_eq!(buf.len(), 16);
        assert_eq!(buf.into_inner().as_slice(), b"abcdefghijklmnop");
    }

    #[test]
    fn json_is_the_same_as_serde_json_s() {
        let value = serde_json::json!({"question": "melanoma?", "age": 54});
        let wiped = to_json(&value).unwrap();
        assert_eq!(wiped.as_slice(), serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn decoded_pixels_are_wiped() {
        let mut images = [
            DynamicImage::ImageRgb8(image::RgbImage::from_pixel(3, 2, image::Rgb([9, 8, 7]))),
            DynamicImage::ImageRgba16(image::ImageBuffer::from_pixel(
                2,
                2,
                image::Rgba([500, 1, 2, 3]),
            )),
        ];
        for image in &mut images {
            wipe_image(image);
            assert!(image.as_bytes().iter().all(|&b| b == 0));
            assert_ne!(
                image.width(),
                0,
                "the image keeps its size, only the pixels go"
            );
        }
    }
}

//! The whole-image proof, and the grey working copy the quality check reads, in one decoding.
//!
//! A YCbCr or greyscale JPEG (nearly every photo) is decoded to its luma plane only: every
//! entropy-coded block of every component is still read and checked, exactly as in a full
//! decoding and by the same decoder with the same settings, but the chroma blocks are not
//! transformed, upsampled or colour-converted (measured: about half the time of a full decoding).
//! The checks around the decoding are those of [`super::decode`]: header limits, the container
//! walk, and the decoder's grey fill at the bottom, looked for in the luma plane. Other JPEGs
//! (RGB, CMYK), PNG and WebP are decoded whole, as before.

use image::{DynamicImage, GrayImage};
use zeroize::Zeroizing;
use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
use zune_jpeg::{errors::DecodeErrors, JpegDecoder};

use super::{check_complete, read_header, Format, InspectError, PhotoLimits};
use crate::photos::quality;

/// What the proof leaves for the quality check: the photo's size and a grey working copy of it.
pub struct Proof {
    pub width: u32,
    pub height: u32,
    /// Plaintext (a small picture of the photo): wiped when dropped.
    pub grey: GrayImage,
}

impl Drop for Proof {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut *self.grey);
    }
}

/// Proves that `bytes` hold a whole image within `limits`, and makes the working copy.
pub fn prove(format: Format, bytes: &[u8], limits: &PhotoLimits) -> Result<Proof, InspectError> {
    if format == Format::Jpeg {
        if let Some(proof) = jpeg_luma(bytes, limits)? {
            return Ok(proof);
        }
    }
    let mut image = super::decode(format, bytes, limits)?;
    let proof = from_image(&image);
    crate::memory::wipe_image(&mut image);
    Ok(proof)
}

fn from_image(image: &DynamicImage) -> Proof {
    Proof {
        width: image.width(),
        height: image.height(),
        grey: quality::working_grey(image),
    }
}

/// The luma-only decoding of a YCbCr or greyscale JPEG; `None` for the other colour spaces.
fn jpeg_luma(bytes: &[u8], limits: &PhotoLimits) -> Result<Option<Proof>, InspectError> {
    // Header first, as in `decode`: an oversized photo that is also cut short gets the size message.
    let cost = read_header(Format::Jpeg, bytes, limits)?;
    check_complete(Format::Jpeg, bytes)?;
    // The options `image` gives zune-jpeg (non-strict: see `decode`), with our side limits.
    let options = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(limits.max_side as usize)
        .set_max_height(limits.max_side as usize);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(unreadable)?;
    if !matches!(
        decoder.input_colorspace(),
        Some(ColorSpace::YCbCr | ColorSpace::Luma)
    ) {
        return Ok(None);
    }
    decoder.set_options(decoder.options().jpeg_set_out_colorspace(ColorSpace::Luma));
    let (width, height) = (cost.dims.width, cost.dims.height);
    let size = width as usize * height as usize;
    if decoder.output_buffer_size() != Some(size) {
        return Err(unreadable(DecodeErrors::FormatStatic(
            "unexpected output size",
        )));
    }
    // Within what the header allowed for: one byte a pixel, where the budget counted three.
    let mut luma = Zeroizing::new(vec![0u8; size]);
    decoder.decode_into(&mut luma).map_err(unreadable)?;
    if super::ends_in_decoder_fill_bytes(&luma, height) {
        return Err(super::damaged_jpeg());
    }
    let grey = quality::working_grey_from_luma(&luma, width, height);
    crate::photos::wipe(luma);
    Ok(Some(Proof {
        width,
        height,
        grey,
    }))
}

/// The decoder's error as `image` would have reported it (see `super::unreadable`).
fn unreadable(err: DecodeErrors) -> InspectError {
    use image::error::{
        DecodingError, ImageFormatHint, LimitError, LimitErrorKind, UnsupportedError,
        UnsupportedErrorKind,
    };
    let hint = ImageFormatHint::Exact(image::ImageFormat::Jpeg);
    let err = match err {
        DecodeErrors::Unsupported(desc) => {
            image::ImageError::Unsupported(UnsupportedError::from_format_and_kind(
                hint,
                UnsupportedErrorKind::GenericFeature(format!("{desc:?}")),
            ))
        }
        DecodeErrors::LargeDimensions(_) => {
            image::ImageError::Limits(LimitError::from_kind(LimitErrorKind::DimensionError))
        }
        err => image::ImageError::Decoding(DecodingError::new(hint, err)),
    };
    super::unreadable(Format::Jpeg, err)
}

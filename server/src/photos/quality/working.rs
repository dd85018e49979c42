//! The grey working copy the quality check measures: at most [`WORKING_SIDE`] px on its long side.
//!
//! Each working pixel is the rounded mean of a whole block of source pixels, the blocks being
//! those of `image::imageops::thumbnail` (which this replaced: same sizes and blocks, so the same
//! thresholds hold). Made in one pass over the source, summing rows into a line of counters, with
//! no full-size intermediate: on a 12 MP photo about 3 ms instead of 80.

use image::{DynamicImage, GrayImage};

/// Long side of the working copy, in pixels: the size a dermatologist's screen shows the whole
/// photo at, about one megapixel.
pub const WORKING_SIDE: u32 = 1024;

/// The working copy of a decoded image.
pub fn working_grey(image: &DynamicImage) -> GrayImage {
    let (width, height) = (image.width(), image.height());
    if width.max(height) <= WORKING_SIDE {
        return image.to_luma8();
    }
    match image {
        DynamicImage::ImageLuma8(grey) => downscale(grey.as_raw(), width, height, 1, |p| p[0]),
        DynamicImage::ImageRgb8(rgb) => downscale(rgb.as_raw(), width, height, 3, luma),
        DynamicImage::ImageRgba8(rgba) => downscale(rgba.as_raw(), width, height, 4, luma),
        // 16-bit and float images (rare): converted whole first.
        other => {
            let mut grey = other.to_luma8();
            let small = downscale(grey.as_raw(), width, height, 1, |p| p[0]);
            zeroize::Zeroize::zeroize(&mut *grey);
            small
        }
    }
}

/// The working copy of a luma plane `width` x `height` (a JPEG's Y samples).
pub fn working_grey_from_luma(luma: &[u8], width: u32, height: u32) -> GrayImage {
    if width.max(height) <= WORKING_SIDE {
        return GrayImage::from_raw(width, height, luma.to_vec()).unwrap_or_default();
    }
    downscale(luma, width, height, 1, |p| p[0])
}

/// Luma of an sRGB pixel with the weights `image` uses (Rec. 709), in fixed point.
fn luma(p: &[u8]) -> u8 {
    let y = 2126 * u32::from(p[0]) + 7152 * u32::from(p[1]) + 722 * u32::from(p[2]);
    ((y + 5000) / 10_000) as u8
}

/// The size `DynamicImage::thumbnail(WORKING_SIDE, WORKING_SIDE)` gives: the aspect ratio kept,
/// the long side `WORKING_SIDE`.
fn working_size(width: u32, height: u32) -> (u32, u32) {
    let ratio = f64::from(WORKING_SIDE) / f64::from(width.max(height));
    let scale = |side: u32| ((f64::from(side) * ratio).round() as u32).max(1);
    (scale(width), scale(height))
}

/// The source span `[start, end)` of each of `to` cells over `from` samples, as `thumbnail` cuts
/// them (every cell at least one sample wide when shrinking).
fn spans(from: u32, to: u32) -> Vec<(usize, usize)> {
    let ratio = from as f32 / to as f32;
    (0..to)
        .map(|i| {
            let start = ((i as f32 * ratio).ceil() as u32).min(from - 1);
            let end = (((i as f32 * ratio) + ratio).ceil() as u32).clamp(start + 1, from);
            (start as usize, end as usize)
        })
        .collect()
}

/// Block means of `channels`-sample pixels turned grey by `grey`, down to the working size.
fn downscale(
    samples: &[u8],
    width: u32,
    height: u32,
    channels: usize,
    grey: impl Fn(&[u8]) -> u8,
) -> GrayImage {
    let (out_width, out_height) = working_size(width, height);
    let rows = spans(height, out_height);
    // Narrow counters when a block's rows fit them: twice the adds per vector instruction.
    let tallest = rows
        .iter()
        .map(|(top, bottom)| bottom - top)
        .max()
        .unwrap_or(0);
    let out = if tallest <= usize::from(u16::MAX / 255) {
        block_means::<u16>(samples, width, channels, out_width, &rows, grey)
    } else {
        block_means::<u32>(samples, width, channels, out_width, &rows, grey)
    };
    GrayImage::from_raw(out_width, out_height, out).unwrap_or_default()
}

/// The means, row of blocks by row of blocks: the source rows of each are summed column by
/// column into counters of type `S`, then the columns of each block.
fn block_means<S>(
    samples: &[u8],
    width: u32,
    channels: usize,
    out_width: u32,
    rows: &[(usize, usize)],
    grey: impl Fn(&[u8]) -> u8,
) -> Vec<u8>
where
    S: Copy + Default + From<u8> + Into<u32> + std::ops::AddAssign + zeroize::DefaultIsZeroes,
{
    let columns = spans(width, out_width);
    let row_len = width as usize * channels;
    let mut out = Vec::with_capacity(columns.len() * rows.len());
    let mut sums = vec![S::default(); width as usize];
    for &(top, bottom) in rows {
        sums.fill(S::default());
        for row in samples[top * row_len..bottom * row_len].chunks_exact(row_len) {
            if channels == 1 {
                // Plain adds: the compiler vectorises this loop.
                for (sum, &value) in sums.iter_mut().zip(row) {
                    *sum += S::from(value);
                }
            } else {
                for (sum, pixel) in sums.iter_mut().zip(row.chunks_exact(channels)) {
                    *sum += S::from(grey(pixel));
                }
            }
        }
        let tall = (bottom - top) as u32;
        for &(left, right) in &columns {
            let total: u32 = sums[left..right].iter().map(|&s| s.into()).sum();
            let n = tall * (right - left) as u32;
            out.push(((total + n / 2) / n) as u8);
        }
    }
    // The column sums are the photo too, if blurred.
    zeroize::Zeroize::zeroize(&mut sums[..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy_grey(width: u32, height: u32) -> GrayImage {
        let mut state: u32 = 12345;
        GrayImage::from_fn(width, height, |_, _| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            image::Luma([(state >> 24) as u8])
        })
    }

    #[test]
    fn it_is_the_thumbnail_image_makes() {
        // Sizes with whole, fractional and lopsided ratios.
        for (width, height) in [
            (4000, 3000),
            (3264, 2448),
            (2049, 1025),
            (1025, 5000),
            (1100, 1),
        ] {
            let grey = noisy_grey(width, height);
            let ours = working_grey_from_luma(grey.as_raw(), width, height);
            let theirs = DynamicImage::ImageLuma8(grey)
                .thumbnail(WORKING_SIDE, WORKING_SIDE)
                .to_luma8();
            assert_eq!(ours.dimensions(), theirs.dimensions(), "{width} x {height}");
            assert!(ours.as_raw() == theirs.as_raw(), "{width} x {height}");
        }
    }

    #[test]
    fn colour_is_made_grey_as_image_does_within_rounding() {
        let rgb = image::RgbImage::from_fn(2100, 1500, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        let image = DynamicImage::ImageRgb8(rgb);
        let ours = working_grey(&image);
        let theirs = image.thumbnail(WORKING_SIDE, WORKING_SIDE).to_luma8();
        assert_eq!(ours.dimensions(), theirs.dimensions());
        let most = ours
            .as_raw()
            .iter()
            .zip(theirs.as_raw())
            .map(|(a, b)| a.abs_diff(*b))
            .max();
        assert!(most <= Some(1), "{most:?}");
    }

    #[test]
    fn small_images_are_only_made_grey() {
        let grey = noisy_grey(300, 200);
        assert_eq!(working_grey_from_luma(grey.as_raw(), 300, 200), grey);
        let image = DynamicImage::ImageLuma8(grey.clone());
        assert_eq!(working_grey(&image), grey);
    }
}

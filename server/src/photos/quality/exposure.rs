//! Exposure from the luma of the working copy: its mean, how much of it is clipped, and its
//! contrast.

use image::GrayImage;

/// Luma at or below this is crushed black: shadows where no detail survives. JPEG noise keeps
/// true black a few levels above 0, hence not 0 itself.
const NEAR_BLACK: u8 = 10;

/// Luma at or above this is blown white: highlights where no detail survives.
const NEAR_WHITE: u8 = 245;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Exposure {
    /// Mean luma, 0 to 255.
    pub mean: f64,
    /// Share of pixels at or below `NEAR_BLACK`, 0 to 1.
    pub black_share: f64,
    /// Share of pixels at or above `NEAR_WHITE`, 0 to 1.
    pub white_share: f64,
    /// The spread of luma that holds the middle 90% of the pixels (95th minus 5th percentile):
    /// how far apart the photo's darks and lights are, a few outliers (a highlight, a black
    /// corner) aside.
    pub contrast: f64,
}

/// `None` for an image without pixels.
pub(super) fn measure(grey: &GrayImage) -> Option<Exposure> {
    let pixels = grey.as_raw();
    if pixels.is_empty() {
        return None;
    }
    let mut histogram = [0u64; 256];
    for &luma in pixels {
        histogram[usize::from(luma)] += 1;
    }
    let count = |range: std::ops::RangeInclusive<u8>| -> u64 {
        histogram[usize::from(*range.start())..=usize::from(*range.end())]
            .iter()
            .sum()
    };
    let sum: u64 = (0u64..).zip(histogram).map(|(luma, n)| luma * n).sum();
    let n = pixels.len() as f64;
    Some(Exposure {
        mean: sum as f64 / n,
        black_share: count(0..=NEAR_BLACK) as f64 / n,
        white_share: count(NEAR_WHITE..=255) as f64 / n,
        contrast: f64::from(percentile(&histogram, 0.95) - percentile(&histogram, 0.05)),
    })
}

/// The lowest luma that at least `share` of the pixels are at or below.
fn percentile(histogram: &[u64; 256], share: f64) -> u8 {
    let total: u64 = histogram.iter().sum();
    let wanted = (total as f64 * share).ceil() as u64;
    let mut seen = 0;
    for (luma, &n) in (0u8..=255).zip(histogram) {
        seen += n;
        if seen >= wanted.max(1) {
            return luma;
        }
    }
    255
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_clipped_shares() {
        // Four columns: black, dark grey, light grey, white.
        let grey = GrayImage::from_fn(4, 3, |x, _| image::Luma([[0, 10, 245, 255][x as usize]]));
        let exposure = measure(&grey).unwrap();
        assert_eq!(exposure.mean, 127.5);
        assert_eq!(exposure.black_share, 0.5);
        assert_eq!(exposure.white_share, 0.5);
        assert_eq!(exposure.contrast, 255.0);
    }

    #[test]
    fn contrast_leaves_out_the_extreme_tenth() {
        // 100 pixels: 4 black, 92 from 100 to 191, 4 white.
        let grey = GrayImage::from_fn(100, 1, |x, _| {
            image::Luma([match x {
                0..4 => 0,
                96.. => 255,
                x => 96 + x as u8,
            }])
        });
        let exposure = measure(&grey).unwrap();
        // The 5th pixel is 100, the 95th is 190.
        assert_eq!(exposure.contrast, 90.0);
        let flat = GrayImage::from_pixel(10, 10, image::Luma([77]));
        assert_eq!(measure(&flat).unwrap().contrast, 0.0);
    }

    #[test]
    fn an_empty_image_has_no_exposure() {
        assert_eq!(measure(&GrayImage::new(0, 7)), None);
    }
}

//! Exposure from the luma of the working copy: its mean and how much of it is clipped.

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
}

/// `None` for an image without pixels.
pub(super) fn measure(grey: &GrayImage) -> Option<Exposure> {
    let pixels = grey.as_raw();
    if pixels.is_empty() {
        return None;
    }
    let (mut sum, mut black, mut white) = (0u64, 0u64, 0u64);
    for &luma in pixels {
        sum += u64::from(luma);
        black += u64::from(luma <= NEAR_BLACK);
        white += u64::from(luma >= NEAR_WHITE);
    }
    let n = pixels.len() as f64;
    Some(Exposure {
        mean: sum as f64 / n,
        black_share: black as f64 / n,
        white_share: white as f64 / n,
    })
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
    }

    #[test]
    fn an_empty_image_has_no_exposure() {
        assert_eq!(measure(&GrayImage::new(0, 7)), None);
    }
}

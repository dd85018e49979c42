//! Sharpness as the variance of the Laplacian, measured tile by tile.
//!
//! A 3x3 Laplacian responds to fine detail (skin texture, hairs, the lesion's border) and barely
//! to smooth gradients, so its variance collapses when the picture is out of focus or shaken.
//! It is taken per tile and the sharpest tenth of the tiles decides: a close-up of a lesion in
//! focus against a blurred background (shallow depth of field, usual with phones held close) is
//! sharp where it matters and must not be flagged.
//!
//! The Laplacian scales with contrast: the same scene shot in dim light, its levels squeezed
//! into a fraction of the range, scores that fraction squared and looked blurred when it was not.
//! [`normalised`] brings a low-contrast photo's score back to what it would be at ordinary
//! contrast, so dim or flat photos are judged on their detail, not their levels.

use image::GrayImage;

/// Tile side, in pixels of the working copy (at most 1024 px long): a 1024 x 768 copy has
/// 16 x 12 tiles, enough to find a sharp region, big enough for a stable variance.
const TILE: usize = 64;

/// The score is the variance reached by this share of the tiles, the sharpest ones: a tenth of
/// the frame is about what a lesion and the skin around it fill in an overview photo.
const SHARPEST_SHARE: f64 = 0.10;

/// The contrast (see `exposure::Exposure::contrast`) of an ordinary, well-lit photo, at and above
/// which scores are taken as they are: the thresholds were measured on such photos.
const ORDINARY_CONTRAST: f64 = 100.0;

/// The lowest contrast a score is scaled up from, a sixteenth of the score at most: below it the
/// levels left are so few that rounding noise would pass for detail.
const LOWEST_CONTRAST: f64 = ORDINARY_CONTRAST / 4.0;

/// `score` at ordinary contrast: scaled up by the square of how much flatter than ordinary the
/// photo is (the Laplacian's variance goes with the square of the levels), never scaled down,
/// so that a contrasty photo is not called blurred for its contrast.
pub(super) fn normalised(score: f64, contrast: f64) -> f64 {
    if contrast >= ORDINARY_CONTRAST {
        return score;
    }
    let gain = ORDINARY_CONTRAST / contrast.max(LOWEST_CONTRAST);
    score * gain * gain
}

/// Laplacian variance of the sharpest tenth of the image, or `None` when the image is too small
/// to hold a single tile (under 66 px on a side).
pub(super) fn score(grey: &GrayImage) -> Option<f64> {
    let (width, height) = (grey.width() as usize, grey.height() as usize);
    // The Laplacian needs a neighbour on each side: tiles cover pixels 1..=len-2.
    let tiles_x = width.saturating_sub(2) / TILE;
    let tiles_y = height.saturating_sub(2) / TILE;
    let mut variances = Vec::with_capacity(tiles_x * tiles_y);
    for ty in 0..tiles_y {
        for tx in 0..tiles_x {
            variances.push(tile_variance(
                grey.as_raw(),
                width,
                1 + tx * TILE,
                1 + ty * TILE,
            ));
        }
    }
    upper_quantile(variances, SHARPEST_SHARE)
}

/// Variance of the Laplacian over the tile whose top-left pixel is (`x0`, `y0`). The caller keeps
/// the tile one pixel away from every edge, so all neighbours exist.
fn tile_variance(pixels: &[u8], stride: usize, x0: usize, y0: usize) -> f64 {
    let mut sum = 0i64;
    let mut sum_sq = 0i64;
    for y in y0..y0 + TILE {
        let above = &pixels[(y - 1) * stride..y * stride];
        let row = &pixels[y * stride..(y + 1) * stride];
        let below = &pixels[(y + 1) * stride..(y + 2) * stride];
        for x in x0..x0 + TILE {
            let around = i64::from(above[x])
                + i64::from(below[x])
                + i64::from(row[x - 1])
                + i64::from(row[x + 1]);
            let laplacian = around - 4 * i64::from(row[x]);
            sum += laplacian;
            sum_sq += laplacian * laplacian;
        }
    }
    let n = (TILE * TILE) as f64;
    let mean = sum as f64 / n;
    sum_sq as f64 / n - mean * mean
}

/// The value that `share` of the values reach or exceed; `None` for no values.
fn upper_quantile(mut values: Vec<f64>, share: f64) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let from_top = (values.len() as f64 * share).ceil() as usize;
    let index = values.len().checked_sub(from_top.max(1))?;
    values.get(index).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_images_score_zero_and_tiny_ones_are_not_scored() {
        assert_eq!(
            score(&GrayImage::from_pixel(200, 100, image::Luma([90]))),
            Some(0.0)
        );
        assert_eq!(score(&GrayImage::new(65, 500)), None);
        assert_eq!(score(&GrayImage::new(0, 0)), None);
    }

    #[test]
    fn a_checkerboard_scores_the_laplacian_it_must() {
        // Alternating 0/100 pixels: every Laplacian is +-400, so the variance is 160000.
        let board = GrayImage::from_fn(130, 130, |x, y| image::Luma([((x + y) % 2 * 100) as u8]));
        assert_eq!(score(&board), Some(160_000.0));
    }

    #[test]
    fn a_small_sharp_region_is_enough() {
        // Flat except for one detailed tile-sized patch out of four.
        let image = GrayImage::from_fn(130, 130, |x, y| {
            let detailed = x < 66 && y < 66;
            image::Luma([if detailed {
                ((x + y) % 2 * 100) as u8
            } else {
                50
            }])
        });
        assert_eq!(score(&image), Some(160_000.0));
    }

    #[test]
    fn low_contrast_is_scaled_up_to_ordinary_and_no_further() {
        assert_eq!(normalised(40.0, 180.0), 40.0);
        assert_eq!(normalised(40.0, 100.0), 40.0);
        assert_eq!(normalised(40.0, 50.0), 160.0);
        assert_eq!(normalised(40.0, 25.0), 640.0);
        assert_eq!(normalised(40.0, 5.0), 640.0);
        assert_eq!(normalised(40.0, 0.0), 640.0);
    }

    #[test]
    fn upper_quantile_picks_from_the_top() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(upper_quantile(values, 0.10), Some(19.0));
        assert_eq!(upper_quantile(vec![3.0], 0.10), Some(3.0));
        assert_eq!(upper_quantile(Vec::new(), 0.10), None);
    }
}

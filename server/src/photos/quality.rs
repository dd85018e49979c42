//! Quality warnings the GP can act on at once, while the patient is still there: too small,
//! blurred, too dark, too bright. They never reject a photo.
//!
//! Blur and exposure are measured on a grey working copy at most 1024 px on its long side (see
//! `working`): the size a dermatologist's screen shows the whole photo at. A JPEG's copy is made
//! from its luma plane during the whole-image proof (`inspect::prove`), so the check itself only
//! reads about one megapixel.

mod exposure;
mod sharpness;
mod working;

use image::{DynamicImage, GrayImage};
use serde::Serialize;

pub use working::{working_grey, working_grey_from_luma, WORKING_SIDE};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityWarning {
    pub code: WarningCode,
    /// Plain words for the GP: what is wrong and what to do now.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    TooSmall,
    Blurred,
    Underexposed,
    Overexposed,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualityThresholds {
    /// Shorter side below which a photo is too small, in pixels.
    pub min_short_side: u32,
    /// Laplacian variance of the sharpest tenth of the working copy below which it is blurred,
    /// for a photo of ordinary contrast (see `sharpness::normalised`).
    pub min_sharpness: f64,
    /// Mean luma (0-255) below which a photo is underexposed.
    pub min_mean_luma: f64,
    /// Share of crushed-black pixels (luma <= 10) above which a photo is underexposed.
    pub max_black_share: f64,
    /// Mean luma (0-255) above which a photo is overexposed.
    pub max_mean_luma: f64,
    /// Share of blown-white pixels (luma >= 245) above which a photo is overexposed.
    pub max_white_share: f64,
}

impl Default for QualityThresholds {
    fn default() -> Self {
        QualityThresholds {
            // One threshold for overviews and close-ups alike: 1000 px on the shorter side
            // leaves a dermatologist room to zoom on a lesion filling a fifth of the frame.
            // Every phone camera since ~2012 gives 2000+; below 1000 px the photo is almost
            // always a screenshot, a messaging-app copy or a crop.
            min_short_side: 1000,
            // Measured (see `sharpness`): the generated textured skin of the tests scores ~1550
            // sharp and under 20 once blurred with sigma 1 to 4. Ordinary sharp photos of the
            // shared corpus score 110 to 20000, the smoothest (a sunset, a shallow-focus macro,
            // a noisy flash shot) 110-165; blurred with sigma 4 at full size they fall to 4-30
            // (100 for a 3264 px photo, where that is only 1.3 px at working size). 50 sits in
            // the gap, nearer the blurred side: skin has less detail than those scenes, and a
            // false warning costs the GP a retake for nothing.
            min_sharpness: 50.0,
            // Phones expose for a mean near mid-grey (~100-130) whatever the skin tone, so a
            // well-exposed photo of the darkest skin stays far above 40; the dimmest ordinary
            // photos of the corpus (dusk, a dark lawn) sit at 45-60. Below 40 the camera ran out
            // of light and lesion detail is lost in noise.
            min_mean_luma: 40.0,
            // Black drapes and dark hair are fine; more than 40% of the frame crushed to black
            // means the subject itself is in shadow (e.g. shot against a bright window).
            max_black_share: 0.40,
            // Fair skin well exposed sits around 170-200; above 210 on average the frame is
            // washed out.
            max_mean_luma: 210.0,
            // Flash glare on a close-up blows out patches of skin; a quarter of the frame blown
            // white is far more than a few specular highlights. Lower would fire on overviews
            // with a window or sky behind the patient (18-24% in ordinary corpus photos).
            max_white_share: 0.25,
        }
    }
}

/// Warnings for `image`, in a stable order; empty when the photo looks usable.
pub fn assess(image: &DynamicImage, thresholds: &QualityThresholds) -> Vec<QualityWarning> {
    let mut grey = working_grey(image);
    let warnings = assess_working(image.width(), image.height(), &grey, thresholds);
    // The working copy is the photo too, if a small one.
    zeroize::Zeroize::zeroize(&mut *grey);
    warnings
}

/// Warnings for a photo of `width` x `height` px whose grey working copy is `grey`.
pub fn assess_working(
    width: u32,
    height: u32,
    grey: &GrayImage,
    thresholds: &QualityThresholds,
) -> Vec<QualityWarning> {
    let mut warnings = Vec::new();
    if width.min(height) < thresholds.min_short_side {
        warnings.push(too_small(width, height, thresholds.min_short_side));
    }
    let exposure = exposure::measure(grey);
    let sharpness = sharpness::score(grey)
        .map(|score| sharpness::normalised(score, exposure.map_or(0.0, |e| e.contrast)));
    if sharpness.is_some_and(|score| score < thresholds.min_sharpness) {
        warnings.push(warning(
            WarningCode::Blurred,
            "The photo looks blurred: hold the phone steady, tap the lesion to focus, \
             and take it again.",
        ));
    }
    if let Some(exposure) = exposure {
        if exposure.mean < thresholds.min_mean_luma
            || exposure.black_share > thresholds.max_black_share
        {
            warnings.push(warning(
                WarningCode::Underexposed,
                "The photo is too dark: turn on the room light or move near a window \
                 (no flash up close), and take it again.",
            ));
        }
        if exposure.mean > thresholds.max_mean_luma
            || exposure.white_share > thresholds.max_white_share
        {
            warnings.push(warning(
                WarningCode::Overexposed,
                "The photo is too bright and parts are washed out: turn off the flash, keep \
                 windows and lamps out of the frame, and take it again.",
            ));
        }
    }
    warnings
}

fn warning(code: WarningCode, message: &str) -> QualityWarning {
    QualityWarning {
        code,
        message: message.to_owned(),
    }
}

fn too_small(width: u32, height: u32, min_short_side: u32) -> QualityWarning {
    QualityWarning {
        code: WarningCode::TooSmall,
        message: format!(
            "The photo is only {width} x {height} px, too small to see detail: send the \
             original from the phone's camera (not a screenshot or a copy from a messaging \
             app), at least {min_short_side} px on its shorter side."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Skin-toned background with a fine texture (+-16 levels of noise, like pores and grain)
    /// and a dark "lesion" disc in the middle.
    fn skin_with_lesion(width: u32, height: u32) -> DynamicImage {
        let (cx, cy) = (f64::from(width) / 2.0, f64::from(height) / 2.0);
        let radius = f64::from(width.min(height)) / 6.0;
        let mut state: u32 = 0x9e37_79b9;
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let texture = i32::from((state >> 24) as u8 % 33) - 16;
            let inside = (f64::from(x) - cx).hypot(f64::from(y) - cy) < radius;
            let base: [i32; 3] = if inside {
                [90, 55, 40]
            } else {
                [200, 150, 125]
            };
            image::Rgb(base.map(|c| (c + texture).clamp(0, 255) as u8))
        });
        DynamicImage::ImageRgb8(image)
    }

    fn codes(image: &DynamicImage) -> Vec<WarningCode> {
        let warnings = assess(image, &QualityThresholds::default());
        warnings.iter().map(|w| w.code).collect()
    }

    #[test]
    fn a_sharp_well_exposed_photo_gets_no_warning() {
        assert_eq!(codes(&skin_with_lesion(1200, 1000)), []);
    }

    #[test]
    fn a_blurred_photo_is_only_blurred() {
        let blurred = skin_with_lesion(1200, 1000).blur(4.0);
        assert_eq!(codes(&blurred), [WarningCode::Blurred]);
    }

    #[test]
    fn a_dark_photo_is_underexposed() {
        let dark = skin_with_lesion(1200, 1000).brighten(-130);
        assert_eq!(codes(&dark), [WarningCode::Underexposed]);
    }

    /// The photo as a dim room gives it: every level scaled down (not shifted), as the sensor's
    /// signal is, detail included.
    fn dimmed(image: &DynamicImage, factor: f32) -> DynamicImage {
        let mut rgb = image.to_rgb8();
        for level in rgb.iter_mut() {
            *level = (f32::from(*level) * factor).round() as u8;
        }
        DynamicImage::ImageRgb8(rgb)
    }

    #[test]
    fn a_dark_but_sharp_photo_is_not_called_blurred() {
        let dark = dimmed(&skin_with_lesion(1200, 1000), 0.12);
        // Its raw score is that of a blurred photo: the false alarm the normalisation removes.
        let raw = sharpness::score(&working_grey(&dark)).unwrap();
        assert!(raw < QualityThresholds::default().min_sharpness, "{raw}");
        assert_eq!(codes(&dark), [WarningCode::Underexposed]);
    }

    #[test]
    fn a_dark_blurred_photo_is_still_blurred() {
        let dark = dimmed(&skin_with_lesion(1200, 1000).blur(4.0), 0.12);
        assert_eq!(
            codes(&dark),
            [WarningCode::Blurred, WarningCode::Underexposed]
        );
    }

    #[test]
    fn a_bright_photo_is_overexposed() {
        let bright = skin_with_lesion(1200, 1000).brighten(90);
        assert_eq!(codes(&bright), [WarningCode::Overexposed]);
    }

    #[test]
    fn a_small_photo_is_too_small_and_says_its_size() {
        let warnings = assess(&skin_with_lesion(300, 200), &QualityThresholds::default());
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, WarningCode::TooSmall);
        assert!(
            warnings[0].message.contains("300 x 200 px"),
            "{}",
            warnings[0].message
        );
        assert!(
            warnings[0].message.contains("1000 px"),
            "{}",
            warnings[0].message
        );
    }

    #[test]
    fn a_large_photo_is_measured_on_its_working_copy() {
        // 2600 px long: downscaled, and still sharp and well exposed.
        assert_eq!(codes(&skin_with_lesion(2600, 1100)), []);
    }

    #[test]
    fn thresholds_are_the_callers_to_tune() {
        let strict = QualityThresholds {
            min_short_side: 1200,
            min_sharpness: 1e9,
            ..QualityThresholds::default()
        };
        let warnings = assess(&skin_with_lesion(1200, 1000), &strict);
        let codes: Vec<_> = warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, [WarningCode::TooSmall, WarningCode::Blurred]);
    }

    #[test]
    fn odd_images_never_panic() {
        let odd = [
            DynamicImage::new_rgb8(0, 0),
            DynamicImage::new_rgb8(1, 1),
            DynamicImage::new_luma8(1, 5000),
            DynamicImage::new_rgba16(3000, 2),
            DynamicImage::new_rgb32f(70, 70),
            DynamicImage::new_luma_a8(1100, 999),
        ];
        for image in &odd {
            let warnings = assess(image, &QualityThresholds::default());
            assert!(warnings.iter().any(|w| w.code == WarningCode::TooSmall));
        }
    }

    #[test]
    fn warnings_serialise_with_snake_case_codes() {
        let warning = warning(WarningCode::TooSmall, "m");
        let json = serde_json::to_string(&warning).unwrap();
        assert_eq!(json, r#"{"code":"too_small","message":"m"}"#);
        let json = serde_json::to_string(&WarningCode::Underexposed).unwrap();
        assert_eq!(json, r#""underexposed""#);
    }
}

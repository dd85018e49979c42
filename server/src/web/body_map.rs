//! The body map of the new-case page: front and back views whose regions name a body site in the
//! page's language (`templates/gp/body_map.html` draws them).

use super::i18n::Lang;

/// One clickable region: an ellipse (`round`: centre x, y and radii w, h) or a rounded
/// rectangle (corner x, y, width w, height h), in a 120 x 240 view box.
pub struct Region {
    pub site: String,
    pub round: bool,
    pub x: u16,
    pub y: u16,
    pub w: u16,
    pub h: u16,
}

pub struct View {
    pub caption: String,
    pub regions: Vec<Region>,
}

type Shape = (&'static str, bool, [u16; 4]);

/// Seen from the front: the patient's right is on the viewer's left.
const FRONT: [Shape; 16] = [
    ("site-face", true, [60, 22, 14, 17]),
    ("site-neck", false, [52, 39, 16, 10]),
    ("site-chest", false, [38, 50, 44, 34]),
    ("site-abdomen", false, [40, 85, 40, 34]),
    ("site-right-arm", false, [22, 50, 14, 40]),
    ("site-left-arm", false, [84, 50, 14, 40]),
    ("site-right-forearm", false, [17, 92, 13, 38]),
    ("site-left-forearm", false, [90, 92, 13, 38]),
    ("site-right-hand", true, [22, 140, 8, 10]),
    ("site-left-hand", true, [98, 140, 8, 10]),
    ("site-right-thigh", false, [40, 121, 18, 50]),
    ("site-left-thigh", false, [62, 121, 18, 50]),
    ("site-right-leg", false, [42, 173, 15, 48]),
    ("site-left-leg", false, [63, 173, 15, 48]),
    ("site-right-foot", true, [48, 227, 9, 6]),
    ("site-left-foot", true, [72, 227, 9, 6]),
];

/// Seen from the back: the patient's left is on the viewer's left.
const BACK: [Shape; 17] = [
    ("site-scalp", true, [60, 22, 14, 17]),
    ("site-neck", false, [52, 39, 16, 10]),
    ("site-upper-back", false, [38, 50, 44, 34]),
    ("site-lower-back", false, [40, 85, 40, 22]),
    ("site-buttocks", false, [40, 108, 40, 20]),
    ("site-left-arm", false, [22, 50, 14, 40]),
    ("site-right-arm", false, [84, 50, 14, 40]),
    ("site-left-forearm", false, [17, 92, 13, 38]),
    ("site-right-forearm", false, [90, 92, 13, 38]),
    ("site-left-hand", true, [22, 140, 8, 10]),
    ("site-right-hand", true, [98, 140, 8, 10]),
    ("site-left-thigh", false, [40, 129, 18, 42]),
    ("site-right-thigh", false, [62, 129, 18, 42]),
    ("site-left-calf", false, [42, 173, 15, 48]),
    ("site-right-calf", false, [63, 173, 15, 48]),
    ("site-left-foot", true, [48, 227, 9, 6]),
    ("site-right-foot", true, [72, 227, 9, 6]),
];

/// Both views, named in `lang`.
pub fn views(lang: Lang) -> Vec<View> {
    let view = |caption: &str, shapes: &[Shape]| View {
        caption: lang.t(caption),
        regions: shapes
            .iter()
            .map(|(key, round, [x, y, w, h])| Region {
                site: lang.t(key),
                round: *round,
                x: *x,
                y: *y,
                w: *w,
                h: *h,
            })
            .collect(),
    };
    vec![view("body-map-front", &FRONT), view("body-map-back", &BACK)]
}

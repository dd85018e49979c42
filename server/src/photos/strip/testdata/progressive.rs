//! A progressive JPEG built by hand: `image` 0.25 only encodes baseline JPEG.
//!
//! 16x16 greyscale, four 8x8 blocks of flat grey (48, 148, 188, 88 in raster order). Two scans:
//! DC first (spectral selection 0..0), then AC 1..63 (all zero: one EOB per block), with the AC
//! Huffman table defined between the scans, a restart interval of 2 blocks (so RST0 sits inside
//! each scan), a stuffed `FF 00` right before a marker, and fill bytes before EOI. It exercises
//! every rule of the entropy-data walk.

use super::segment;

/// DC values (after quantisation by 16): pixel = 128 + 2 * dc.
const DC: [i32; 4] = [-40, 10, 30, -20];
/// Restart interval, in blocks (MCUs of a one-component scan).
const RESTART: usize = 2;

/// The header (SOI to the first SOS), the first scan's data, the tables and SOS of the second
/// scan with its data, and the end (fill bytes and EOI), kept apart so tests can splice
/// segments between the scans.
pub(crate) struct Progressive {
    pub(crate) first_scan: Vec<u8>,
    pub(crate) second_scan: Vec<u8>,
    pub(crate) end: Vec<u8>,
}

/// The pixel values, block by block, that a decoder must produce.
pub(crate) const GREYS: [u8; 4] = [48, 148, 188, 88];

pub(crate) fn progressive() -> Progressive {
    let mut first_scan = vec![0xFF, 0xD8];
    let mut dqt = vec![0x00, 16];
    dqt.extend_from_slice(&[1; 63]);
    first_scan.extend(segment(0xDB, &dqt));
    // SOF2: 8 bits, 16x16, one component (id 1, 1x1 sampling, table 0).
    first_scan.extend(segment(0xC2, &[8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
    first_scan.extend(segment(0xDD, &[0, RESTART as u8]));
    // DC table 0: categories 0..=6, all with 3-bit codes (code = category).
    first_scan.extend(segment(
        0xC4,
        &huffman_table(0x00, 3, &[0, 1, 2, 3, 4, 5, 6]),
    ));
    first_scan.extend(segment(0xDA, &[1, 1, 0x00, 0, 0, 0]));
    first_scan.extend(dc_scan());

    // AC table 0: only EOB (symbol 0), a 1-bit code.
    let mut second_scan = segment(0xC4, &huffman_table(0x10, 1, &[0]));
    second_scan.extend(segment(0xDA, &[1, 1, 0x00, 1, 63, 0]));
    second_scan.extend(ac_scan());

    Progressive {
        first_scan,
        second_scan,
        end: vec![0xFF, 0xFF, 0xFF, 0xD9],
    }
}

/// A DHT payload with every symbol coded on `bits` bits.
fn huffman_table(class_id: u8, bits: usize, symbols: &[u8]) -> Vec<u8> {
    let mut table = vec![class_id];
    let mut counts = [0u8; 16];
    counts[bits - 1] = u8::try_from(symbols.len()).unwrap();
    table.extend_from_slice(&counts);
    table.extend_from_slice(symbols);
    table
}

fn dc_scan() -> Vec<u8> {
    let mut bits = Bits::default();
    let mut predictor = 0;
    for (i, dc) in DC.iter().enumerate() {
        if i > 0 && i % RESTART == 0 {
            bits.restart(i / RESTART - 1);
            predictor = 0;
        }
        let diff = dc - predictor;
        predictor = *dc;
        let category = 32 - diff.unsigned_abs().leading_zeros();
        bits.put(category, 3);
        // Negative values are sent as their ones' complement on `category` bits.
        let value = if diff < 0 {
            diff + (1 << category) - 1
        } else {
            diff
        };
        bits.put(u32::try_from(value).unwrap(), category);
    }
    bits.finish()
}

fn ac_scan() -> Vec<u8> {
    let mut bits = Bits::default();
    for i in 0..DC.len() {
        if i > 0 && i % RESTART == 0 {
            bits.restart(i / RESTART - 1);
        }
        bits.put(0, 1);
    }
    bits.finish()
}

/// An entropy-coded segment writer: MSB first, `FF` stuffed, padded with 1 bits.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u8,
    used: u32,
}

impl Bits {
    fn put(&mut self, value: u32, len: u32) {
        for i in (0..len).rev() {
            self.bit((value >> i) & 1 == 1);
        }
    }

    fn bit(&mut self, one: bool) {
        self.acc = (self.acc << 1) | u8::from(one);
        self.used += 1;
        if self.used == 8 {
            self.out.push(self.acc);
            if self.acc == 0xFF {
                self.out.push(0x00);
            }
            (self.acc, self.used) = (0, 0);
        }
    }

    fn pad(&mut self) {
        while self.used != 0 {
            self.bit(true);
        }
    }

    fn restart(&mut self, n: usize) {
        self.pad();
        self.out
            .extend_from_slice(&[0xFF, 0xD0 + u8::try_from(n % 8).unwrap()]);
    }

    fn finish(mut self) -> Vec<u8> {
        self.pad();
        self.out
    }
}

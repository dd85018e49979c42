/// The nearest-rank percentile of sorted values: the smallest value with at least `p` % of the
/// values at or below it (so the median of 1, 2, 3, 4 is 2). Exact, and always a value that
/// occurred.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    // ceil(p * n / 100) in integers, at least 1.
    let rank = (p as usize * n).div_ceil(100).clamp(1, n);
    Some(sorted[rank - 1])
}

/// `part / whole`, 0 when there is no whole.
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&v, 50), Some(5));
        assert_eq!(nearest_rank(&v, 90), Some(9));
        assert_eq!(nearest_rank(&v, 95), Some(10));
        assert_eq!(nearest_rank(&v, 100), Some(10));
        assert_eq!(nearest_rank(&[7], 50), Some(7));
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(nearest_rank(&[], 50), None);
        let hundred: Vec<i64> = (1..=100).collect();
        assert_eq!(nearest_rank(&hundred, 95), Some(95));
        assert_eq!(nearest_rank(&hundred, 90), Some(90));
    }

    #[test]
    fn shares() {
        assert_eq!(share(1, 4), 0.25);
        assert_eq!(share(0, 0), 0.0);
    }
}

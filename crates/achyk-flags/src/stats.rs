//! Quartiles and fences: Hyndman–Fan type 8 quantiles (median-unbiased), as Cardinal uses.

/// The `p`-quantile (0 ≤ p ≤ 1) of `values` by Hyndman–Fan type 8; NaN for no values.
pub fn quantile(values: &[f64], p: f64) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let count = sorted.len() as f64;
    // Position h = (n + 1/3) p + 1/3, one-based; clamp to the ends.
    let position = (count + 1.0 / 3.0).mul_add(p, 1.0 / 3.0);
    if position <= 1.0 {
        return sorted[0];
    }
    if position >= count {
        return sorted[sorted.len() - 1];
    }
    let below = position.floor();
    let fraction = position - below;
    let low = sorted[below as usize - 1];
    let high = sorted[below as usize];
    fraction.mul_add(high - low, low)
}

/// First quartile, third quartile.
pub fn quartiles(values: &[f64]) -> (f64, f64) {
    (quantile(values, 0.25), quantile(values, 0.75))
}

pub fn lower_fence(q1: f64, q3: f64) -> f64 {
    (q3 - q1).mul_add(-1.5, q1)
}

pub fn upper_fence(q1: f64, q3: f64) -> f64 {
    (q3 - q1).mul_add(1.5, q3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_8_matches_r() {
        // R: quantile(c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), c(.25, .75), type = 8) = 2.916667, 8.083333
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        let (q1, q3) = quartiles(&values);
        assert!((q1 - 2.916_666_666_666_667).abs() < 1e-12);
        assert!((q3 - 8.083_333_333_333_333).abs() < 1e-12);
        assert_eq!(quantile(&[4.0], 0.25), 4.0);
        assert!(quantile(&[], 0.5).is_nan());
    }
}

//! Half-up rounding as the forms' instructions mean it (rates and scores to 2 decimals).

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds to `dp` decimals with halves away from zero (0.865 → 0.87, -0.865 → -0.87), the
/// rounding Excel's ROUND and the 填报说明 use; Decimal's default is banker's rounding.
pub(crate) fn round_half_up(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::round_half_up;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test decimal")
    }

    #[test]
    fn rounds_halves_away_from_zero() {
        assert_eq!(round_half_up(d("0.865"), 2), d("0.87"));
        assert_eq!(round_half_up(d("0.864"), 2), d("0.86"));
        assert_eq!(round_half_up(d("-0.865"), 2), d("-0.87"));
        assert_eq!(round_half_up(d("2.5"), 2), d("2.5"));
        assert_eq!(round_half_up(d("0.125"), 2), d("0.13"));
        assert_eq!(round_half_up(d("2.5"), 0), d("3"));
    }
}

//! Exact references for the indicators, computed over a whole series at
//! once with big integers and rationals: no rounding until the end.
//!
//! Prices are in units (1/10,000). Rational results are in units too
//! (RSI: in points, 0 to 100).

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

fn big(value: i64) -> BigInt {
    BigInt::from(value)
}

fn ratio(value: i64) -> BigRational {
    BigRational::from_integer(big(value))
}

/// `x` rounded to the nearest integer, ties away from zero.
pub fn round_half_away(x: &BigRational) -> BigInt {
    let twice = x * BigRational::from_integer(BigInt::from(2));
    let magnitude = (twice.abs() + BigRational::one()) / BigRational::from_integer(2.into());
    let rounded = magnitude.floor().to_integer();
    if x.is_negative() { -rounded } else { rounded }
}

/// `num / den` (`den > 0`) rounded to the nearest integer, ties away from
/// zero, in plain 128-bit arithmetic.
pub fn div_round_half_away(num: i128, den: i128) -> i128 {
    let (quotient, rem) = (num / den, num % den);
    if 2 * rem.abs() >= den {
        quotient + num.signum()
    } else {
        quotient
    }
}

/// Whether `x` lies within `epsilon` of a rounding tie (`k + 1/2`).
pub fn near_tie(x: &BigRational, epsilon: &BigRational) -> bool {
    let half = BigRational::new(1.into(), 2.into());
    let fraction = x.abs() - x.abs().floor();
    (fraction - half).abs() <= *epsilon
}

/// SMA(n), each value recomputed from its window.
pub fn sma(prices: &[i64], n: usize) -> Vec<Option<BigRational>> {
    (0..prices.len())
        .map(|t| {
            (t + 1 >= n).then(|| {
                let sum: BigInt = prices[t + 1 - n..=t].iter().map(|&p| big(p)).sum();
                BigRational::new(sum, BigInt::from(n))
            })
        })
        .collect()
}

/// EMA(n) with k = 2/(n+1), seeded with the SMA of the first n prices.
pub fn ema(prices: &[i64], n: usize) -> Vec<Option<BigRational>> {
    ema_of(
        &prices.iter().map(|&p| Some(ratio(p))).collect::<Vec<_>>(),
        n,
    )
}

/// EMA(n) of a series that starts after some `None`s.
fn ema_of(series: &[Option<BigRational>], n: usize) -> Vec<Option<BigRational>> {
    let k = BigRational::new(2.into(), BigInt::from(n + 1));
    let start = series
        .iter()
        .position(Option::is_some)
        .unwrap_or(series.len());
    let mut out = vec![None; series.len()];
    let mut value: Option<BigRational> = None;
    for t in start..series.len() {
        let x = series[t].clone().expect("no gap after the start");
        value = match value {
            Some(e) => Some(e.clone() + k.clone() * (x - e)),
            None if t + 1 - start == n => {
                let sum: BigRational = series[start..=t].iter().flatten().cloned().sum();
                Some(sum / ratio(n as i64))
            }
            None => None,
        };
        out[t] = value.clone();
    }
    out
}

/// RSI(n) in points: simple-mean seed, then Wilder smoothing; 0 when flat.
pub fn rsi(prices: &[i64], n: usize) -> Vec<Option<BigRational>> {
    let mut out = vec![None; prices.len()];
    let (mut gain, mut loss) = (BigRational::zero(), BigRational::zero());
    let n_big = ratio(n as i64);
    for t in 1..prices.len() {
        let change = big(prices[t]) - big(prices[t - 1]);
        let (g, l) = if change.is_positive() {
            (BigRational::from_integer(change), BigRational::zero())
        } else {
            (BigRational::zero(), BigRational::from_integer(-change))
        };
        if t < n {
            gain += g;
            loss += l;
            continue;
        }
        if t == n {
            gain = (gain + g) / n_big.clone();
            loss = (loss + l) / n_big.clone();
        } else {
            let keep = ratio(n as i64 - 1);
            gain = (gain * keep.clone() + g) / n_big.clone();
            loss = (loss * keep + l) / n_big.clone();
        }
        let total = gain.clone() + loss.clone();
        out[t] = Some(if total.is_zero() {
            BigRational::zero()
        } else {
            ratio(100) * gain.clone() / total
        });
    }
    out
}

/// MACD(fast, slow, signal) as TA-Lib computes it: both EMAs start at
/// index `slow - 1`, the fast one from the mean of the `fast` prices ending
/// there. Returns (line, signal, histogram).
pub fn macd(
    prices: &[i64],
    fast: usize,
    slow: usize,
    signal: usize,
) -> Vec<Option<[BigRational; 3]>> {
    let mut late = vec![None; prices.len()];
    for t in slow - fast..prices.len() {
        late[t] = Some(ratio(prices[t]));
    }
    let fast_ema = ema_of(&late, fast);
    let slow_ema = ema(prices, slow);
    let line: Vec<Option<BigRational>> = (0..prices.len())
        .map(|t| Some(fast_ema[t].clone()? - slow_ema[t].clone()?))
        .collect();
    let signal_ema = ema_of(&line, signal);
    (0..prices.len())
        .map(|t| {
            let (l, s) = (line[t].clone()?, signal_ema[t].clone()?);
            Some([l.clone(), s.clone(), l - s])
        })
        .collect()
}

/// Whether `a + sign·√k` is less than, equal to or greater than `b`, exactly.
fn cmp_root(a: &BigInt, sign: i32, k: &BigInt, b: &BigInt) -> core::cmp::Ordering {
    use core::cmp::Ordering::*;
    // a + s√k vs b  ⟺  s√k vs d = b - a.
    let d = b - a;
    let root_vs_abs = |d: &BigInt| k.cmp(&(d * d)); // √k vs |d|
    if sign > 0 {
        if d.is_negative() {
            Greater
        } else {
            root_vs_abs(&d)
        }
    } else if d.is_positive() {
        Less
    } else {
        // -√k vs d ≤ 0  ⟺  |d| vs √k.
        root_vs_abs(&d).reverse()
    }
}

/// `(a + sign·√k) / den` rounded to the nearest integer, ties away from
/// zero, found by bisection with exact comparisons.
fn round_root(a: &BigInt, sign: i32, k: &BigInt, den: &BigInt) -> BigInt {
    use core::cmp::Ordering::*;
    // floor: the largest f with f·den ≤ a + s√k.
    let bound: BigInt = BigInt::one() << 200_u32;
    let (mut low, mut high) = (-bound.clone(), bound);
    while &high - &low > BigInt::one() {
        let mid: BigInt = (&low + &high).div_floor(&BigInt::from(2));
        if cmp_root(a, sign, k, &(&mid * den)) == Less {
            high = mid;
        } else {
            low = mid;
        }
    }
    let floor = low;
    // Compare 2(a + s√k) with (2·floor + 1)·den: the doubled radicand is 4k.
    let doubled = cmp_root(&(a * 2), sign, &(k * 4), &((&floor * 2 + 1) * den));
    let negative = cmp_root(a, sign, k, &BigInt::zero()) == Less;
    match doubled {
        Greater => floor + 1,
        Equal if !negative => floor + 1,
        _ => floor,
    }
}

/// Bollinger(n, k) with k in ten-thousandths: (upper, middle, lower) in
/// units, each the exact value rounded once, ties away from zero.
pub fn bollinger(prices: &[i64], n: usize, k: i64) -> Vec<Option<[BigInt; 3]>> {
    (0..prices.len())
        .map(|t| {
            if t + 1 < n {
                return None;
            }
            let window = &prices[t + 1 - n..=t];
            let s: BigInt = window.iter().map(|&p| big(p)).sum();
            let q: BigInt = window.iter().map(|&p| big(p) * big(p)).sum();
            let n_big = BigInt::from(n);
            // upper = (s·10⁴ + √(k²(nq - s²))) / (10⁴ n)
            let radicand = big(k) * big(k) * (&n_big * q - &s * &s);
            let a = &s * 10_000;
            let den = &n_big * 10_000;
            let upper = round_root(&a, 1, &radicand, &den);
            let lower = round_root(&a, -1, &radicand, &den);
            let middle = round_half_away(&BigRational::new(s, n_big));
            Some([upper, middle, lower])
        })
        .collect()
}

/// VWAP over `n` ticks of (price, volume); `None` while the window's volume is 0.
pub fn vwap(ticks: &[(i64, u32)], n: usize) -> Vec<Option<BigRational>> {
    (0..ticks.len())
        .map(|t| {
            if t + 1 < n {
                return None;
            }
            let window = &ticks[t + 1 - n..=t];
            let turnover: BigInt = window.iter().map(|&(p, v)| big(p) * BigInt::from(v)).sum();
            let volume: BigInt = window.iter().map(|&(_, v)| BigInt::from(v)).sum();
            (!volume.is_zero()).then(|| BigRational::new(turnover, volume))
        })
        .collect()
}

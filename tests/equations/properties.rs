//! Laws that hold for every input, checked on random ones (proptest), and the numerical
//! stability of the fused losses at logits of magnitude 1e3, where the textbook formulas overflow.

use nabla::Batch;
use nabla::activation::{Activation, Softmax, sigmoid, softmax_into};
use nabla::loss::{
    Loss, MeanSquaredError, SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy, binary_cross_entropy,
    cross_entropy, log_sum_exp,
};
use proptest::prelude::*;

/// Few cases: debug builds run these on every `cargo test`.
fn config() -> ProptestConfig {
    ProptestConfig::with_cases(64)
}

fn softmax(z: &[f64]) -> Vec<f64> {
    let mut p = vec![0.0; z.len()];
    softmax_into(z, &mut p);
    p
}

/// Logits for one sample with 2 to 9 classes.
fn logits(magnitude: f64) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-magnitude..magnitude, 2..10)
}

/// Logits and a class index below their length.
fn logits_and_class(magnitude: f64) -> impl Strategy<Value = (Vec<f64>, usize)> {
    logits(magnitude).prop_flat_map(|z| {
        let len = z.len();
        (Just(z), 0..len)
    })
}

fn one_hot(len: usize, class: usize) -> Vec<f64> {
    let mut y = vec![0.0; len];
    y[class] = 1.0;
    y
}

/// A single-column batch with K = 3 rows, for the `Loss` impls (K is a type parameter).
fn column3(values: &[f64]) -> Batch<f64, 3> {
    Batch::from_column_slice(values)
}

/// The naive softmax cross-entropy `−ln(e^{z_y} / Σ e^{z})`, as the articles write it.
fn naive_softmax_cross_entropy(z: &[f64], class: usize) -> f64 {
    let total: f64 = z.iter().map(|zk| zk.exp()).sum();
    -(z[class].exp() / total).ln()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn softmax_columns_are_distributions(z in logits(50.0), columns in 1usize..4) {
        // A batch of identical columns, so the batch code path (chunks of `rows`) is used too.
        let rows = z.len();
        let batch: Vec<f64> = z.iter().copied().cycle().take(rows * columns).collect();
        let mut a = vec![0.0; batch.len()];
        Softmax.forward(&batch, &mut a, rows);
        for column in a.chunks_exact(rows) {
            let sum: f64 = column.iter().sum();
            prop_assert!((sum - 1.0).abs() < 1e-12, "column sums to {}", sum);
            prop_assert!(column.iter().all(|&p| (0.0..=1.0).contains(&p)));
            prop_assert_eq!(column, &a[..rows]);
        }
    }

    #[test]
    fn softmax_is_invariant_to_adding_a_constant(z in logits(50.0), shift in -500.0f64..500.0) {
        let shifted: Vec<f64> = z.iter().map(|zk| zk + shift).collect();
        let (p, q) = (softmax(&z), softmax(&shifted));
        for (pk, qk) in p.iter().zip(&q) {
            // Adding `shift` rounds each logit by up to |shift| · 2⁻⁵³ ≈ 1e-13 at most.
            prop_assert!((pk - qk).abs() <= 1e-12 * pk.max(1e-300).max(*qk) + 1e-300, "{} vs {}", pk, qk);
        }
    }

    #[test]
    fn softmax_preserves_the_order_of_the_logits(z in logits(20.0)) {
        let p = softmax(&z);
        for i in 0..z.len() {
            for j in 0..z.len() {
                if z[i] < z[j] {
                    prop_assert!(p[i] <= p[j]);
                }
            }
        }
    }

    #[test]
    fn cross_entropy_is_non_negative((z, class) in logits_and_class(20.0)) {
        let p = softmax(&z);
        let value = cross_entropy(&p, &one_hot(z.len(), class));
        prop_assert!(value >= 0.0, "{}", value);
    }

    #[test]
    fn cross_entropy_is_zero_only_for_a_perfect_one_hot_prediction(
        (z, class) in logits_and_class(15.0),
    ) {
        let y = one_hot(z.len(), class);
        // Predicting exactly y costs nothing …
        prop_assert_eq!(cross_entropy(&y, &y), 0.0);
        // … and any prediction that leaves probability on another class costs something: with
        // logits within ±15 no softmax entry reaches 1 in f64.
        let p = softmax(&z);
        prop_assert!(p[class] < 1.0);
        prop_assert!(cross_entropy(&p, &y) > 0.0);
        // Gibbs: among all predictions, y itself is the cheapest.
        prop_assert!(cross_entropy(&p, &y) >= cross_entropy(&y, &y));
    }

    #[test]
    fn softmax_cross_entropy_of_logits_is_positive_and_vanishes_only_in_the_limit(
        class in 0usize..3,
        margin in 0.0f64..30.0,
    ) {
        // Logits that favour `class` by `margin`: C = ln(1 + 2e^{−margin}) > 0, tending to 0 as
        // the margin grows.
        let mut z = [0.0; 3];
        z[class] = margin;
        let y = column3(&one_hot(3, class));
        let value = SoftmaxCrossEntropy.value(&column3(&z), &y);
        let exact = (2.0 * (-margin).exp()).ln_1p();
        prop_assert!(value > 0.0);
        // LSE(z) − margin cancels: the rounding of LSE ≈ margin is what remains.
        let rounding = 4.0 * f64::EPSILON * (1.0 + margin);
        prop_assert!((value - exact).abs() <= 1e-12 * exact + rounding, "{} vs {}", value, exact);
        let wider = { let mut w = z; w[class] += 1.0; w };
        prop_assert!(SoftmaxCrossEntropy.value(&column3(&wider), &y) < value);
    }

    #[test]
    fn losses_are_non_negative(
        z in prop::collection::vec(-30.0f64..30.0, 3),
        y in prop::collection::vec(0.0f64..1.0, 3),
        class in 0usize..3,
    ) {
        let (z, soft) = (column3(&z), column3(&y));
        prop_assert!(MeanSquaredError.value(&z, &soft) >= 0.0);
        prop_assert!(SigmoidBinaryCrossEntropy.value(&z, &soft) >= 0.0);
        prop_assert!(SoftmaxCrossEntropy.value(&z, &column3(&one_hot(3, class))) >= 0.0);
    }

    #[test]
    fn softmax_cross_entropy_is_finite_and_correct_for_logits_of_magnitude_1e3(
        z in prop::collection::vec(-1e3f64..1e3, 5),
        class in 0usize..5,
    ) {
        // Reference: the log-sum-exp formula written out here, on logits shifted so that the
        // largest is 0 (nothing overflows; the sum is at least 1, so its logarithm is finite).
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = z.iter().map(|zk| (zk - max).exp()).sum();
        let reference = sum.ln() - (z[class] - max);
        let logits = Batch::<f64, 5>::from_column_slice(&z);
        let y = Batch::<f64, 5>::from_column_slice(&one_hot(5, class));
        let mut gradient = Batch::zeros(0);
        let value = SoftmaxCrossEntropy.value_and_gradient(&logits, &y, &mut gradient);
        prop_assert!(value.is_finite() && value >= 0.0, "{}", value);
        prop_assert!((value - reference).abs() <= 1e-12 * (1.0 + reference), "{} vs {}", value, reference);
        prop_assert!(gradient.iter().all(|g| g.is_finite() && g.abs() <= 1.0));
        let lse = log_sum_exp(&z);
        prop_assert!(lse >= max && lse <= max + 5f64.ln() + 1e-12, "LSE {} for max {}", lse, max);
        // The naive formula overflows as soon as a logit exceeds ln(f64::MAX) ≈ 709.8.
        if max > 710.0 {
            prop_assert!(!naive_softmax_cross_entropy(&z, class).is_finite());
        }
        for &zk in &z {
            let s = sigmoid(zk);
            prop_assert!((0.0..=1.0).contains(&s));
            prop_assert!((s - 1.0 / (1.0 + (-zk).exp())).abs() <= f64::EPSILON);
        }
    }
}

#[test]
fn log_sum_exp_of_large_logits_is_finite_where_the_naive_formula_overflows() {
    let z = [1000.0, 1000.0, 999.0];
    let naive = z.iter().map(|zk: &f64| zk.exp()).sum::<f64>().ln();
    assert_eq!(naive, f64::INFINITY, "e^1000 overflows f64");
    let exact = 1000.0 + (2.0 + (-1.0f64).exp()).ln();
    assert!((log_sum_exp(&z) - exact).abs() < 1e-12);
    let negative = [-1000.0, -1001.0];
    let naive = negative.iter().map(|zk: &f64| zk.exp()).sum::<f64>().ln();
    assert_eq!(naive, f64::NEG_INFINITY, "e^-1000 underflows to 0");
    let exact = -1000.0 + (-1.0f64).exp().ln_1p();
    assert!((log_sum_exp(&negative) - exact).abs() < 1e-12);
}

#[test]
fn softmax_cross_entropy_is_finite_for_logits_of_magnitude_1e3() {
    // Logits 1000 + w for small w: the loss is that of w (shift invariance), but the naive
    // formula computes e^1000 / Σ e^… = ∞ / ∞ = NaN.
    let w = [0.5, -0.3, 0.2];
    let z: Vec<f64> = w.iter().map(|wk| wk + 1000.0).collect();
    for class in 0..3 {
        assert!(naive_softmax_cross_entropy(&z, class).is_nan());
        let y = column3(&one_hot(3, class));
        let expected = naive_softmax_cross_entropy(&w, class);
        let mut gradient = Batch::zeros(0);
        let value = SoftmaxCrossEntropy.value_and_gradient(&column3(&z), &y, &mut gradient);
        assert!(
            (value - expected).abs() < 1e-12,
            "class {class}: {value} vs {expected}"
        );
        assert!(gradient.iter().all(|g| g.is_finite()));
    }
    // A confidently wrong prediction costs exactly the margin: LSE(z) − z_y ≈ 2000.
    let z = column3(&[1000.0, -1000.0, -1000.0]);
    let value = SoftmaxCrossEntropy.value(&z, &column3(&one_hot(3, 1)));
    assert_eq!(value, 2000.0);
    assert!(cross_entropy(&softmax(z.as_slice()), &one_hot(3, 1)).is_infinite());
    // A confidently right one costs ln(1 + 2e^{−2000}), which is 0 in f64: the limit is reached
    // only when e^{−margin} underflows.
    let value = SoftmaxCrossEntropy.value(&z, &column3(&one_hot(3, 0)));
    assert_eq!(value, 0.0);
}

#[test]
fn sigmoid_is_finite_for_logits_of_magnitude_1e3() {
    // The other textbook form e^z / (1 + e^z) is ∞ / ∞ for large z.
    let naive = |z: f64| z.exp() / (1.0 + z.exp());
    assert!(naive(1000.0).is_nan());
    assert_eq!(sigmoid(1000.0), 1.0);
    assert_eq!(sigmoid(-1000.0), 0.0);
    // Where e^{−z} is still representable the value is exact to rounding.
    let z = -700.0f64;
    assert!((sigmoid(z) / z.exp() - 1.0).abs() < 1e-12);
    assert!((sigmoid(-z) - 1.0).abs() <= f64::EPSILON);
}

#[test]
fn sigmoid_binary_cross_entropy_is_finite_where_the_textbook_form_is_infinite() {
    // σ(1000) rounds to exactly 1, so −ln(1 − σ(1000)) = ∞ for target 0; the exact loss is 1000.
    let z = column3(&[1000.0, -1000.0, 1000.0]);
    let y = column3(&[0.0, 1.0, 1.0]);
    let wrong: Vec<f64> = z.iter().take(2).map(|&zk| sigmoid(zk)).collect();
    assert_eq!(
        binary_cross_entropy(&wrong, &y.as_slice()[..2]),
        f64::INFINITY
    );
    let value = SigmoidBinaryCrossEntropy.value(&z, &y);
    // Wrong by 1000 twice and right once (cost ln(1 + e^{-1000}) = 0), averaged over 3 outputs.
    assert!((value - 2000.0 / 3.0).abs() < 1e-9, "{value}");
    let mut gradient = Batch::zeros(0);
    SigmoidBinaryCrossEntropy.value_and_gradient(&z, &y, &mut gradient);
    let expected = [1.0 / 3.0, -1.0 / 3.0, 0.0];
    for (g, e) in gradient.iter().zip(expected) {
        assert!((g - e).abs() < 1e-15, "{g} vs {e}");
    }
}

//! Several classes: softmax as a distribution (5.6), cross-entropy (5.7), the softmax Jacobian
//! (5.8) and the gradient p − y (5.9), with two losses that are not it.

use super::*;

#[test]
fn eq_5_6_softmax_is_a_probability_distribution() {
    let z = uniform_vec(&mut seeded(56), 7, -5.0, 5.0);
    let mut library = vec![0.0; z.len()];
    softmax_into(&z, &mut library);
    let total: f64 = z.iter().map(|zj| zj.exp()).sum();
    for (k, &p) in library.iter().enumerate() {
        assert!(error(p, z[k].exp() / total) < 1e-14);
        assert!(p > 0.0);
    }
    assert!((library.iter().sum::<f64>() - 1.0).abs() < 1e-15);
}

#[test]
fn eq_5_7_cross_entropy_is_minus_the_log_probability_of_the_label() {
    let z = [0.3, -1.2, 2.0, 0.5];
    let p = naive_softmax(&z);
    for label in 0..4 {
        let mut y = [0.0; 4];
        y[label] = 1.0;
        assert!(error(cross_entropy(&p, &y), -p[label].ln()) < 1e-14);
        assert!(error(stable_softmax_cross_entropy(z, y), -p[label].ln()) < 1e-12);
    }
    // Two classes with logits [0, z] are one sigmoid: softmax CE is then BCE on z.
    for z in moderate_logits() {
        for t in [0.0, 1.0, 0.25] {
            let two_class = stable_softmax_cross_entropy([0.0, z], [1.0 - t, t]);
            assert!(error(two_class, naive_sigmoid_bce(z, t)) < 1e-9);
        }
    }
}

#[test]
fn eq_5_8_softmax_jacobian() {
    let z = uniform_vec(&mut seeded(58), 5, -3.0, 3.0);
    let jacobian = softmax_jacobian(&z);
    for j in 0..z.len() {
        let column: Vec<f64> = (0..z.len()).map(|k| jacobian[k][j]).collect();
        let numeric: Vec<f64> = (0..z.len())
            .map(|k| {
                let moved = |zj: f64| {
                    let mut moved = z.clone();
                    moved[j] = zj;
                    naive_softmax(&moved)[k]
                };
                numeric_derivative(moved, z[j], STEP)
            })
            .collect();
        assert_gradients_match("∂ŷ/∂zⱼ", &column, &numeric);
    }
}

#[test]
fn eq_5_9_softmax_ce_gradient_is_p_minus_y() {
    let mut rng = seeded(59);
    for _ in 0..10 {
        let z: [f64; 4] = std::array::from_fn(|_| rng.random_range(-4.0..4.0));
        let mut y = [0.0; 4];
        y[rng.random_range(0..4)] = 1.0;
        let numeric = finite_difference_gradient(|z| naive_softmax_cross_entropy(z, &y), &z);
        let p = naive_softmax(&z);
        let p_minus_y: Vec<f64> = p.iter().zip(&y).map(|(p, y)| p - y).collect();
        assert_gradients_match("ŷ − y", &p_minus_y, &numeric);
        let chain_rule = softmax_ce_gradient_by_chain_rule(&z, &y);
        assert_gradients_match("Jᵀ(−y/ŷ)", &chain_rule, &numeric);
        let mut library = Batch::<f64, 4>::zeros(1);
        SoftmaxCrossEntropy.value_and_gradient(
            &Batch::from_column_slice(&z),
            &Batch::from_column_slice(&y),
            &mut library,
        );
        assert_gradients_match("SoftmaxCrossEntropy", library.as_slice(), &numeric);
    }
}

#[test]
fn summing_per_class_bce_over_softmax_outputs_is_a_different_loss() {
    // −Σₖ [yₖ ln ŷₖ + (1 − yₖ) ln(1 − ŷₖ)] on softmax outputs: its gradient is not ŷ − y.
    let z = [1.0, -0.5, 0.3];
    let y = [0.0, 1.0, 0.0];
    let mixed = |z: &[f64]| {
        let p = naive_softmax(z);
        -p.iter()
            .zip(&y)
            .map(|(p, y)| y * p.ln() + (1.0 - y) * (1.0 - p).ln())
            .sum::<f64>()
    };
    let numeric = finite_difference_gradient(mixed, &z);
    let p = naive_softmax(&z);
    let p_minus_y: Vec<f64> = p.iter().zip(&y).map(|(p, y)| p - y).collect();
    assert!(max_relative_error(&p_minus_y, &numeric) > 0.1);
}

#[test]
fn softmax_applied_twice_cannot_go_below_ln_e_plus_9_minus_1() {
    // After one softmax the scores lie in [0, 1], so the second softmax gives the right class
    // at most e / (e + 9): the loss is at least ln(e + 9) − 1, however right the network is.
    let floor = (std::f64::consts::E + 9.0).ln() - 1.0;
    let mut rng = seeded(60);
    for _ in 0..100 {
        let z: Vec<f64> = (0..10).map(|_| rng.random_range(-20.0..20.0)).collect();
        let label = rng.random_range(0..10);
        assert!(double_softmax_cross_entropy(&z, label) >= floor - 1e-12);
    }
    let mut confident = [0.0; 10];
    confident[0] = 50.0;
    let mut y = [0.0; 10];
    y[0] = 1.0;
    assert!((double_softmax_cross_entropy(&confident, 0) - floor).abs() < 1e-12);
    assert!(stable_softmax_cross_entropy(confident, y) < 1e-12);
}

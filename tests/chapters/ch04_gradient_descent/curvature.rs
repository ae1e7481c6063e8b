//! The curvature and the learning rate: the Hessian (4.7), one step as a multiplication by
//! I − ηH (4.8), the stability bound 2/λ_max (4.9), and how larger inputs shrink it.

use super::*;

#[test]
fn eq_4_7_hessian_matches_differences_of_the_gradient() {
    let data = data();
    let analytic = hessian(&data);
    for line in points() {
        let numeric = numeric_hessian(&data, line);
        let analytic = [
            analytic[0][0],
            analytic[0][1],
            analytic[1][0],
            analytic[1][1],
        ];
        assert_gradients_match("Hessian", &analytic, numeric.as_slice());
    }
}

#[test]
fn eq_4_8_one_step_multiplies_the_error_by_i_minus_eta_h() {
    let data = data();
    let best = reference_least_squares(&data);
    let h = numeric_hessian(&data, Line::default());
    for (line, eta) in points().into_iter().zip([0.01, 0.1, 0.3, 0.5, 1.0]) {
        let mut next = line;
        gradient_descent_step(&mut next, &data, eta);
        let error = Vector2::new(line.w - best.w, line.b - best.b);
        let predicted = (Matrix2::identity() - h * eta) * error;
        let actual = Vector2::new(next.w - best.w, next.b - best.b);
        assert!(
            (actual - predicted).norm() <= 1e-8 * error.norm(),
            "η = {eta}: {actual} vs {predicted}"
        );
    }
}

#[test]
fn eq_4_9_gradient_descent_is_stable_exactly_below_two_over_lambda_max() {
    let data = data();
    let eigen = SymmetricEigen::new(numeric_hessian(&data, Line::default()));
    let lambda_max = eigen.eigenvalues.max();
    let (_, chapter_lambda_max) = eigenvalues(hessian(&data));
    assert!((chapter_lambda_max - lambda_max).abs() < 1e-8 * lambda_max);

    let bound = 2.0 / lambda_max;
    let best = reference_least_squares(&data);
    let start = Line::default();
    let initial = distance(start, best);
    let (below, _) = descend(start, &data, 0.99 * bound, 3000);
    let (above, _) = descend(start, &data, 1.01 * bound, 3000);
    assert!(
        distance(below, best) < 1e-9 * initial,
        "η = 0.99 · 2/λ_max did not converge"
    );
    assert!(
        distance(above, best) > 1e6 * initial,
        "η = 1.01 · 2/λ_max did not diverge"
    );
    // The book's figure shows one rate just below the bound and one just above it.
    assert!(LEARNING_RATES[2] < bound && bound < LEARNING_RATES[3]);
}

#[test]
fn ch04_larger_inputs_shrink_the_usable_learning_rate_about_66_times() {
    // The text: with x ten times larger the Hessian is [[300.05, 20.312], [20.312, 2]] and
    // λ_max ≈ 301.4 instead of 4.59, so the bound 2/λ_max is about 66 times smaller; and at
    // η = 0.02 even the steep direction shrinks by only |1 − 0.02 λ_max| ≈ 0.908 per step.
    let data = make_data(SEED, SAMPLES);
    let scaled: Vec<Sample> = data
        .iter()
        .map(|s| Sample {
            x: 10.0 * s.x,
            y: s.y,
        })
        .collect();
    let (h, h_scaled) = (hessian(&data), hessian(&scaled));
    assert!((h_scaled[0][0] - 300.05).abs() < 0.01 && (h_scaled[0][1] - 20.312).abs() < 1e-3);
    let (λ, λ_scaled) = (eigenvalues(h).1, eigenvalues(h_scaled).1);
    assert!((λ_scaled - 301.4).abs() < 0.05, "{λ_scaled}");
    assert!((λ_scaled / λ - 66.0).abs() < 0.5, "{}", λ_scaled / λ);
    assert!(((1.0 - 0.02 * λ).abs() - 0.908).abs() < 5e-4);
}

//! The gradient of the mean squared error in w (4.3) and in b (4.4), and the wrong gradients that
//! fail the same check.

use super::*;

#[test]
fn eq_4_3_mse_gradient_in_w() {
    // The chapter's `mse_gradient`; the library's backward pass through `1 => identity 1`
    // passes the exercise's check below.
    let data = data();
    for line in points() {
        let (analytic, numeric) = gradients_at(&data, line);
        assert_gradients_match("∂L/∂w", &analytic[..1], &numeric[..1]);
    }
}

#[test]
fn eq_4_4_mse_gradient_in_b() {
    let data = data();
    for line in points() {
        let (analytic, numeric) = gradients_at(&data, line);
        assert_gradients_match("∂L/∂b", &analytic[1..], &numeric[1..]);
    }
}

#[test]
fn the_gradient_without_the_factor_2_or_with_the_sign_flipped_fails_the_check() {
    let data = data();
    for line in points() {
        let (analytic, numeric) = gradients_at(&data, line);
        let halved = [analytic[0] / 2.0, analytic[1] / 2.0];
        let flipped = [-analytic[0], -analytic[1]];
        // Half the true value is off by 50%, the opposite sign by 200%.
        assert!((max_relative_error(&halved, &numeric) - 0.5).abs() < 1e-6);
        assert!((max_relative_error(&flipped, &numeric) - 2.0).abs() < 1e-6);
    }
}

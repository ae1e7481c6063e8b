//! Where gradient descent goes: the update rule converges (4.5) to the closed-form least-squares
//! line (4.6).

use super::*;

#[test]
fn eq_4_5_gradient_descent_converges_to_the_least_squares_line() {
    let data = data();
    let best = reference_least_squares(&data);
    for start in [Line::default(), Line { w: -3.0, b: 5.0 }] {
        let (end, losses) = descend(start, &data, LEARNING_RATE, 500);
        assert!(
            distance(end, best) < 1e-10,
            "ended at {end:?}, least squares is {best:?}"
        );
        // On this convex bowl, with η below the bound, the loss never goes up.
        assert!(losses.windows(2).all(|pair| pair[1] <= pair[0] + 1e-15));
    }
}

#[test]
fn eq_4_6_closed_form_matches_a_least_squares_solver() {
    for (seed, count) in [(SEED, SAMPLES), (99, 7), (5, 1000)] {
        let data = make_data(seed, count);
        let closed_form = least_squares(&data);
        let reference = reference_least_squares(&data);
        assert!(
            distance(closed_form, reference) < 1e-12,
            "seed {seed}: {closed_form:?} vs {reference:?}"
        );
        // The gradient vanishes there: it is the bottom of the bowl.
        let gradient = mse_gradient(closed_form, &data);
        assert!(gradient.w.abs() < 1e-12 && gradient.b.abs() < 1e-12);
    }
}

//! Chapter 4's checks: typical wrong answers fail with their mistake named. That the library's
//! own parts (the network `1 => identity 1`, `MeanSquaredError`, `Sgd`) pass the same checks is
//! tested by the book's equation tests (`tests/chapters/ch04_gradient_descent/exercise_checks.rs`).

use exercises::Outcome;
use exercises::checks::ch04_gradient_descent as check;
use exercises::solutions::ch04_gradient_descent as solution;

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(failure) => failure
            .likely_mistake
            .unwrap_or_else(|| panic!("no mistake named for: {}", failure.explanation)),
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn residuals(w: f64, b: f64, xs: &[f64], ys: &[f64]) -> Vec<f64> {
    xs.iter().zip(ys).map(|(x, y)| w * x + b - y).collect()
}

#[test]
fn wrong_losses_fail_with_their_mistake_named() {
    let summed = |w, b, xs: &[f64], ys: &[f64]| residuals(w, b, xs, ys).iter().map(|r| r * r).sum();
    assert!(mistake(check::mse_loss(summed)).contains("sum of the squares"));
    let halved = |w, b, xs: &[f64], ys: &[f64]| solution::mse_loss(w, b, xs, ys) / 2.0;
    assert!(mistake(check::mse_loss(halved)).contains("no ½"));
    let root = |w, b, xs: &[f64], ys: &[f64]| solution::mse_loss(w, b, xs, ys).sqrt();
    assert!(mistake(check::mse_loss(root)).contains("square root"));
    let unsquared = |w, b, xs: &[f64], ys: &[f64]| {
        residuals(w, b, xs, ys).iter().sum::<f64>() / xs.len() as f64
    };
    assert!(mistake(check::mse_loss(unsquared)).contains("must be squared"));
}

/// `[∂L/∂w, ∂L/∂b]` with the residual term and the factor in front given.
fn gradient_with(
    factor: f64,
    term: impl Fn(f64, f64) -> [f64; 2],
) -> impl Fn(f64, f64, &[f64], &[f64]) -> [f64; 2] {
    move |w, b, xs, ys| {
        let n = xs.len() as f64;
        let mut sum = [0.0, 0.0];
        for (x, r) in xs.iter().zip(residuals(w, b, xs, ys)) {
            let [dw, db] = term(r, *x);
            sum = [sum[0] + dw, sum[1] + db];
        }
        sum.map(|s| factor * s / n)
    }
}

#[test]
fn wrong_gradients_fail_with_their_mistake_named() {
    let loss = solution::mse_loss;
    let no_two = gradient_with(1.0, |r, x| [r * x, r]);
    assert!(mistake(check::mse_gradient(no_two, loss)).contains("factor of 2"));
    // Differentiating with respect to the label, or (y − ŷ)² without its inner minus sign.
    let flipped = gradient_with(-2.0, |r, x| [r * x, r]);
    assert!(mistake(check::mse_gradient(flipped, loss)).contains("wrong sign"));
    let summed = |w, b, xs: &[f64], ys: &[f64]| {
        solution::mse_gradient(w, b, xs, ys).map(|g| g * xs.len() as f64)
    };
    assert!(mistake(check::mse_gradient(summed, loss)).contains("summed over the points"));
    let no_x = gradient_with(2.0, |r, _x| [r, r]);
    assert!(mistake(check::mse_gradient(no_x, loss)).contains("∂L/∂w needs the factor xᵢ"));
    let x_in_b = gradient_with(2.0, |r, x| [r * x, r * x]);
    assert!(mistake(check::mse_gradient(x_in_b, loss)).contains("∂L/∂b has no factor xᵢ"));
}

#[test]
fn wrong_steps_fail_with_their_mistake_named() {
    let loss = solution::mse_loss;
    let uphill = |w: &mut f64, b: &mut f64, xs: &[f64], ys: &[f64], eta: f64| {
        let [dw, db] = solution::mse_gradient(*w, *b, xs, ys);
        *w += eta * dw;
        *b += eta * db;
    };
    assert!(mistake(check::gradient_descent_step(uphill, loss)).contains("uphill"));
    let no_eta = |w: &mut f64, b: &mut f64, xs: &[f64], ys: &[f64], _eta: f64| {
        let [dw, db] = solution::mse_gradient(*w, *b, xs, ys);
        *w -= dw;
        *b -= db;
    };
    assert!(mistake(check::gradient_descent_step(no_eta, loss)).contains("multiply it by η"));
    let one_after_the_other = |w: &mut f64, b: &mut f64, xs: &[f64], ys: &[f64], eta: f64| {
        *w -= eta * solution::mse_gradient(*w, *b, xs, ys)[0];
        *b -= eta * solution::mse_gradient(*w, *b, xs, ys)[1];
    };
    let said = mistake(check::gradient_descent_step(one_after_the_other, loss));
    assert!(said.contains("after w had moved"), "{said}");
}

/// Gathers the points `batch` names.
fn gather(batch: &[usize], xs: &[f64], ys: &[f64]) -> (Vec<f64>, Vec<f64>) {
    batch.iter().map(|&i| (xs[i], ys[i])).unzip()
}

#[test]
fn wrong_epochs_fail_with_their_mistake_named() {
    type Epoch = fn(&mut f64, &mut f64, &[f64], &[f64], &[usize], usize, f64);
    let divided_by_n: Epoch = |w, b, xs, ys, order, m, eta| {
        for batch in order.chunks(m) {
            let (bx, by) = gather(batch, xs, ys);
            let scale = batch.len() as f64 / xs.len() as f64;
            let [dw, db] = solution::mse_gradient(*w, *b, &bx, &by);
            *w -= eta * scale * dw;
            *b -= eta * scale * db;
        }
    };
    assert!(mistake(check::minibatch_epoch(divided_by_n)).contains("not by N"));
    let full_batch: Epoch = |w, b, xs, ys, _order, _m, eta| {
        solution::gradient_descent_step(w, b, xs, ys, eta);
    };
    assert!(mistake(check::minibatch_epoch(full_batch)).contains("one step per batch"));
    let index_order: Epoch = |w, b, xs, ys, order, m, eta| {
        let natural: Vec<usize> = (0..order.len()).collect();
        solution::minibatch_epoch(w, b, xs, ys, &natural, m, eta);
    };
    assert!(mistake(check::minibatch_epoch(index_order)).contains("cut from `order`"));
    let stale: Epoch = |w, b, xs, ys, order, m, eta| {
        let (w0, b0) = (*w, *b);
        for batch in order.chunks(m) {
            let (bx, by) = gather(batch, xs, ys);
            let [dw, db] = solution::mse_gradient(w0, b0, &bx, &by);
            *w -= eta * dw;
            *b -= eta * db;
        }
    };
    assert!(mistake(check::minibatch_epoch(stale)).contains("epoch's starting (w, b)"));
    let dropped: Epoch = |w, b, xs, ys, order, m, eta| {
        for batch in order.chunks_exact(m) {
            let (bx, by) = gather(batch, xs, ys);
            solution::gradient_descent_step(w, b, &bx, &by, eta);
        }
    };
    assert!(mistake(check::minibatch_epoch(dropped)).contains("last, smaller batch"));
}

#[test]
fn a_step_that_fails_because_the_gradient_does_fails_with_that_named() {
    let unrecognised = check::gradient_descent_step(
        |w: &mut f64, b: &mut f64, _xs: &[f64], _ys: &[f64], _eta: f64| {
            *w += 1.0;
            *b -= 2.0;
        },
        solution::mse_loss,
    );
    let failing = || check::mse_gradient(|_, _, _, _| [1.0, 1.0], solution::mse_loss);
    let passing = || check::mse_gradient(solution::mse_gradient, solution::mse_loss);
    let said = mistake(check::unless_prerequisite_fails(
        unrecognised.clone(),
        "mse_gradient",
        failing,
    ));
    assert!(said.contains("your mse_gradient does not pass"), "{said}");
    let kept = check::unless_prerequisite_fails(unrecognised.clone(), "mse_gradient", passing);
    assert_eq!(kept, unrecognised);
    // A step that goes uphill because the gradient it calls has the wrong sign.
    let uphill = check::gradient_descent_step(
        |w: &mut f64, b: &mut f64, xs: &[f64], ys: &[f64], eta: f64| {
            let [dw, db] = solution::mse_gradient(*w, *b, xs, ys);
            *w += eta * dw;
            *b += eta * db;
        },
        solution::mse_loss,
    );
    let said = mistake(check::unless_prerequisite_fails(
        uphill,
        "mse_gradient",
        failing,
    ));
    assert!(
        said.contains("uphill") && said.contains("or, more likely, your mse_gradient"),
        "{said}"
    );
}

//! Minibatches: their gradients average to the full gradient (4.10); summed gradients, per-sample
//! updates and how SGD jumps around the minimum.

use super::*;

#[test]
fn eq_4_10_minibatch_gradients_average_to_the_full_gradient() {
    let data = data();
    let mut order: Vec<usize> = (0..data.len()).collect();
    order.shuffle(&mut seeded(41));
    for line in points() {
        let full = mse_gradient(line, &data);
        for batch_size in [1, 10, 25] {
            let batch_gradients: Vec<Line> = order
                .chunks(batch_size)
                .map(|indices| {
                    let batch: Vec<Sample> = indices.iter().map(|&i| data[i]).collect();
                    mse_gradient(line, &batch)
                })
                .collect();
            let count = batch_gradients.len() as f64;
            let mean_w = batch_gradients.iter().map(|g| g.w).sum::<f64>() / count;
            let mean_b = batch_gradients.iter().map(|g| g.b).sum::<f64>() / count;
            assert!((mean_w - full.w).abs() <= 1e-12 * full.w.abs().max(1.0));
            assert!((mean_b - full.b).abs() <= 1e-12 * full.b.abs().max(1.0));
        }
    }
    // With the whole data set as its only batch, mini-batch descent is batch gradient descent.
    let (whole, _) = minibatch_descent(Line::default(), &data, 0.1, data.len(), 20, &mut seeded(0));
    let (batch, _) = descend(Line::default(), &data, 0.1, 20);
    // (The same numbers, summed in a shuffled order: equal up to rounding.)
    assert!(distance(whole, batch) < 1e-12, "{whole:?} vs {batch:?}");
}

#[test]
fn a_summed_gradient_acts_like_an_n_times_larger_learning_rate() {
    let data = data();
    let n = data.len() as f64;
    let start = Line::default();
    let summed = summed_gradient(start, &data);
    let (_, numeric) = gradients_at(&data, start);
    assert!((summed.w - n * numeric[0]).abs() < 1e-6 * summed.w.abs());
    assert!((summed.b - n * numeric[1]).abs() < 1e-6 * summed.b.abs());
    // n η is far above the bound: ten steps blow the loss up, while the mean gradient shrinks it.
    let mut line = start;
    for _ in 0..10 {
        let g = summed_gradient(line, &data);
        line.w -= LEARNING_RATE * g.w;
        line.b -= LEARNING_RATE * g.b;
    }
    let (correct, _) = descend(start, &data, LEARNING_RATE, 10);
    assert!(mse(line, &data) > 1e10 * mse(start, &data));
    assert!(mse(correct, &data) < mse(start, &data));
}

#[test]
fn per_sample_updates_fit_every_point_but_learn_no_single_line() {
    let data = data();
    let lines = per_sample_descent(&data, 0.01, 1000);
    // Each sample's own (wᵢ, bᵢ) only ever moves along (xᵢ, 1), its gradient direction, so from
    // (0, 0) it converges to the point on that direction that fits the sample exactly:
    // (wᵢ, bᵢ) = yᵢ (xᵢ, 1) / (xᵢ² + 1).
    for (line, s) in lines.iter().zip(&data) {
        let scale = s.y / (s.x * s.x + 1.0);
        assert!((line.w - scale * s.x).abs() < 1e-7 && (line.b - scale).abs() < 1e-7);
        assert!(
            (line.predict(s.x) - s.y).abs() < 1e-7,
            "each point is fitted exactly"
        );
    }
    let slopes: Vec<f64> = lines.iter().map(|line| line.w).collect();
    let spread = slopes.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        - slopes.iter().copied().fold(f64::INFINITY, f64::min);
    let best = reference_least_squares(&data);
    assert!(
        spread > 1.0,
        "the slopes spread over {spread}, instead of agreeing near {}",
        best.w
    );
}

#[test]
fn ch04_sgd_jumps_around_the_minimum_by_an_amount_that_depends_on_how_it_samples() {
    // Started at the minimum, single-sample SGD with a fixed η keeps moving. Reshuffled each
    // epoch, as the chapter's program does, the per-sample gradients at θ* sum to zero over an
    // epoch, so at the end of each epoch the distance from θ* is proportional to η and the
    // excess loss L − L* to η². Drawn with replacement, the noise accumulates against a pull
    // back of about ηλ per step: the variance settles proportional to η, the spread to √η.
    // A quarter of the rate: about 1/16 of the excess loss, or about 1/4.
    let data = make_data(SEED, SAMPLES);
    let best = least_squares(&data);
    let floor = mse(best, &data);
    let reshuffled = |learning_rate: f64| {
        let mut rng = seeded(11);
        let (_, losses) = minibatch_descent(best, &data, learning_rate, 1, 2000, &mut rng);
        losses[100..].iter().map(|c| c - floor).sum::<f64>() / (losses.len() - 100) as f64
    };
    let with_replacement = |learning_rate: f64| {
        let mut rng = seeded(12);
        let mut line = best;
        let mut excess = 0.0;
        for step in 0..200_000 {
            let sample = data[rng.random_range(0..data.len())];
            gradient_descent_step(&mut line, &[sample], learning_rate);
            if step >= 10_000 {
                excess += mse(line, &data) - floor;
            }
        }
        excess / 190_000.0
    };
    let ratio = reshuffled(0.02) / reshuffled(0.005);
    assert!(
        (10.0..30.0).contains(&ratio),
        "reshuffled: ratio {ratio}, expected about 16"
    );
    let ratio = with_replacement(0.02) / with_replacement(0.005);
    assert!(
        (3.0..5.5).contains(&ratio),
        "with replacement: ratio {ratio}, expected about 4"
    );
}

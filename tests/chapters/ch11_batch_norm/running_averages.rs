//! The two modes: running averages (11.11) and inference with them (11.12).

use super::*;

/// (11.11) r ← (1 − α) r + α s: fed the same batch again and again, the running averages close
/// the gap to its statistics by the factor 1 − α = 0.9 per step (the variance's target being
/// the unbiased m/(m − 1) σ_B²); fed batches drawn from a distribution, they settle at its mean
/// and variance.
#[test]
fn eq_11_11_running_averages_converge_to_the_data_statistics() {
    let mut rng = seeded(110);
    let batch: Batch<f64, 2> = uniform_batch(&mut rng, 16, 2.0, 6.0);
    let mut bn = BatchNorm::<f64, 2>::new();
    let mut cache = Default::default();
    for step in 1..=30 {
        Layer::<f64, 2, 2>::forward(&bn, &batch, Pass::train(step), &mut cache);
        Layer::<f64, 2, 2>::update_buffers(&mut bn, &cache);
        let decay = 0.9f64.powi(step as i32);
        for i in 0..2 {
            let (mean, var) = mean_and_variance(&row(&batch, i));
            let unbiased = var * 16.0 / 15.0;
            assert!((bn.running_mean[(i, 0)] - mean * (1.0 - decay)).abs() < 1e-12);
            let expected = unbiased + decay * (1.0 - unbiased);
            assert!((bn.running_var[(i, 0)] - expected).abs() < 1e-12);
        }
    }
    let (trained, _) = train_running_averages(400, 64, &mut seeded(111));
    let (mean, var) = (trained.running_mean, trained.running_var);
    assert!((mean[(0, 0)] - 4.0).abs() < 0.15, "mean {}", mean[(0, 0)]);
    assert!((var[(0, 0)] - 3.0).abs() < 0.3, "variance {}", var[(0, 0)]);
    assert!((mean[(1, 0)] + 1.0).abs() < 0.05, "mean {}", mean[(1, 0)]);
    assert!(
        (var[(1, 0)] - 1.0 / 3.0).abs() < 0.05,
        "variance {}",
        var[(1, 0)]
    );
}

/// (11.12) In inference mode a sample's output is γ (x − r_μ)/√(r_σ² + ε) + β whatever batch
/// it comes in; in training mode it depends on the rest of the batch, and alone it is β.
#[test]
fn eq_11_12_inference_uses_the_running_averages_whatever_the_batch() {
    let mut rng = seeded(120);
    let (mut bn, _) = train_running_averages(50, 32, &mut rng);
    bn.gamma[(0, 0)] = 1.5;
    bn.beta[(1, 0)] = -0.25;
    let sample = [4.5, -0.5];
    let with_others = |rng: &mut rand::rngs::StdRng| {
        let mut batch: Batch<f64, 2> = uniform_batch(rng, 5, -3.0, 3.0);
        batch.column_mut(2).copy_from_slice(&sample);
        batch
    };
    let (first, second) = (with_others(&mut rng), with_others(&mut rng));
    let alone = Batch::<f64, 2>::from_column_slice(&sample);
    let infer = output_of_sample(&bn, &first, 2, Pass::infer());
    for i in 0..2 {
        let expected = bn.gamma[(i, 0)] * (sample[i] - bn.running_mean[(i, 0)])
            / (bn.running_var[(i, 0)] + EPSILON).sqrt()
            + bn.beta[(i, 0)];
        assert!((infer[i] - expected).abs() < 1e-12);
    }
    assert_eq!(infer, output_of_sample(&bn, &second, 2, Pass::infer()));
    assert_eq!(infer, output_of_sample(&bn, &alone, 0, Pass::infer()));
    let (a, b) = (
        output_of_sample(&bn, &first, 2, Pass::train(0)),
        output_of_sample(&bn, &second, 2, Pass::train(0)),
    );
    assert!(
        (a[0] - b[0]).abs() > 1e-3,
        "training mode depends on the batch"
    );
    let single = output_of_sample(&bn, &alone, 0, Pass::train(0));
    assert_eq!(
        single,
        vec![bn.beta[(0, 0)], bn.beta[(1, 0)]],
        "alone, x̂ = 0"
    );
}

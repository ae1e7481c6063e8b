//! The L2 penalty on a tiny network in `f64`: its gradient against central differences, and
//! hand-stepped runs that compare the penalty with weight decay, for plain SGD and for Adam.

use crate::session::{ChapterResult, Session};
use nabla::batch::one_hot;
use nabla::data::Dataset;
use nabla::gradcheck::{GradCheckOptions, check_gradients};
use nabla::loss::{Loss, SoftmaxCrossEntropy};
use nabla::network::{Network, Parameters, loss_and_gradients};
use nabla::optim::{Adam, AdamW, Optimizer, Sgd};
use nabla::regularize::{add_l2, weight_slots};
use nabla::{Batch, Scalar};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

nabla::network! {
    /// The network of the hand-stepped runs: small enough to follow, with two weight matrices
    /// and two bias vectors.
    pub struct Tiny: 4 => tanh 6 => softmax 3
}

/// λ of the penalty in the quick part.
pub const LAMBDA: f64 = 0.05;

/// Steps of each hand-stepped run.
pub const STEPS: usize = 200;

/// 64 points in `[-1, 1]⁴`, each labelled by the largest of three fixed linear functions of it
/// (seeded, so every run sees the same points).
pub fn toy_data() -> Dataset<f64, 4, 3> {
    let mut rng = StdRng::seed_from_u64(12);
    let mix: Vec<f64> = (0..12).map(|_| rng.random_range(-1.0..1.0)).collect();
    let inputs = Batch::<f64, 4>::from_fn(64, |_, _| rng.random_range(-1.0..1.0));
    let labels: Vec<u8> = inputs
        .column_iter()
        .map(|x| {
            let score = |class: usize| (0..4).map(|i| mix[4 * class + i] * x[i]).sum::<f64>();
            (0..3u8)
                .max_by(|&a, &b| score(a.into()).total_cmp(&score(b.into())))
                .unwrap_or(0)
        })
        .collect();
    Dataset::new(inputs, one_hot(&labels))
}

// ANCHOR: penalty
/// The penalized loss (12.1): the mean cross-entropy plus `λ/2 Σ w²` over the weight matrices
/// (tensors of two or more dimensions; biases are not penalized).
pub fn penalized_loss<N: Network<f64, 4, 3>>(
    network: &N,
    data: &Dataset<f64, 4, 3>,
    lambda: f64,
) -> f64 {
    let loss = SoftmaxCrossEntropy.value(&network.logits(&data.inputs), &data.targets);
    let weights = weight_slots(&network.tensor_specs());
    let (mut sum, mut slot) = (0.0, 0);
    network.visit(&mut |tensor| {
        if weights[slot] {
            sum += tensor.iter().map(|w| w * w).sum::<f64>();
        }
        slot += 1;
    });
    loss + lambda / 2.0 * sum
}
// ANCHOR_END: penalty

/// `‖W‖`: the square root of the sum of the squared weights (not biases) of `model`.
pub fn weight_norm<T: Scalar, P: Parameters<T>>(model: &P) -> f64 {
    let weights = weight_slots(&model.tensor_specs());
    let (mut sum, mut slot) = (0.0, 0);
    model.visit(&mut |tensor| {
        if weights[slot] {
            sum += tensor.iter().map(|w| w.as_f64().powi(2)).sum::<f64>();
        }
        slot += 1;
    });
    sum.sqrt()
}

/// The largest difference between corresponding parameters of two models.
pub fn max_difference<P: Parameters<f64>>(a: &P, b: &P) -> f64 {
    let mut left = Vec::new();
    a.visit(&mut |tensor| left.extend_from_slice(tensor));
    let mut at = 0;
    let mut largest = 0.0_f64;
    b.visit(&mut |tensor| {
        for (x, y) in tensor.iter().zip(&left[at..]) {
            largest = largest.max((x - y).abs());
        }
        at += tensor.len();
    });
    largest
}

// ANCHOR: hand_run
/// [`STEPS`] full-batch steps of `optimizer` on [`toy_data`] from the seeded initial weights,
/// with the L2 penalty's gradient `λ w` added to the gradient (`l2 = λ`), and/or every weight
/// first multiplied by `1 − η·decay` (weight decay done by hand; biases are left alone).
pub fn hand_run(mut optimizer: impl Optimizer<f64>, l2: f64, decay: f64) -> Tiny<f64> {
    let data = toy_data();
    let mut network = Tiny::<f64>::new(&mut StdRng::seed_from_u64(7));
    let weights = weight_slots(&network.tensor_specs());
    for _ in 0..STEPS {
        let (_, mut gradients) =
            loss_and_gradients(&network, &SoftmaxCrossEntropy, &data.inputs, &data.targets);
        if l2 != 0.0 {
            add_l2(&network, &mut gradients, l2, &weights); // g + λ w  (12.2)
        }
        if decay != 0.0 {
            let shrink = 1.0 - optimizer.learning_rate() * decay; // 1 − ηλ  (12.3)
            let mut slot = 0;
            network.visit_mut(&mut |tensor| {
                if weights[slot] {
                    tensor.iter_mut().for_each(|w| *w *= shrink);
                }
                slot += 1;
            });
        }
        optimizer.step(&mut network, &gradients);
    }
    network
}
// ANCHOR_END: hand_run

/// The learning rate of the hand-stepped SGD runs.
pub const SGD_RATE: f64 = 0.5;

/// The learning rate of the hand-stepped Adam runs.
pub const ADAM_RATE: f64 = 0.01;

/// Checks the gradient of the penalized loss (12.2) against central differences.
pub fn l2_gradient_check(session: &mut Session) -> ChapterResult {
    let data = toy_data();
    let mut network = Tiny::<f64>::new(&mut StdRng::seed_from_u64(7));
    let (_, mut gradients) =
        loss_and_gradients(&network, &SoftmaxCrossEntropy, &data.inputs, &data.targets);
    add_l2(
        &network,
        &mut gradients,
        LAMBDA,
        &weight_slots(&network.tensor_specs()),
    );
    let report = check_gradients(
        &mut network,
        &gradients,
        |network| penalized_loss(network, &data, LAMBDA),
        GradCheckOptions::default(),
    );
    writeln!(
        session.out,
        "L2 penalty on {} with λ = {LAMBDA}, in f64:",
        Tiny::<f64>::ARCHITECTURE
    )?;
    writeln!(
        session.out,
        "  {} parameters: largest relative error of g + λw against central differences {:.1e}",
        report.checked, report.max_relative_error
    )?;
    Ok(())
}

/// Prints the weight norms of unregularized, penalized and decayed runs for SGD and for Adam,
/// and how far the penalized run is from the decayed one.
pub fn l2_against_weight_decay(session: &mut Session) -> ChapterResult {
    let plain = hand_run(Sgd::new(SGD_RATE), 0.0, 0.0);
    let penalized = hand_run(Sgd::new(SGD_RATE), LAMBDA, 0.0);
    let decayed = hand_run(Sgd::new(SGD_RATE), 0.0, LAMBDA);
    writeln!(
        session.out,
        "plain SGD, η = {SGD_RATE}, {STEPS} full-batch steps, λ = {LAMBDA}:"
    )?;
    writeln!(
        session.out,
        "  weight norm ‖W‖: none {:.4}, L2 penalty {:.4}, decay × (1 − ηλ) = {} {:.4}",
        weight_norm(&plain),
        weight_norm(&penalized),
        1.0 - SGD_RATE * LAMBDA,
        weight_norm(&decayed)
    )?;
    writeln!(
        session.out,
        "  largest difference between the penalized and the decayed run: {:.1e}",
        max_difference(&penalized, &decayed)
    )?;
    let plain = hand_run(Adam::new(ADAM_RATE), 0.0, 0.0);
    let penalized = hand_run(Adam::new(ADAM_RATE), LAMBDA, 0.0);
    let decoupled = hand_run(AdamW::with_weight_decay(ADAM_RATE, LAMBDA), 0.0, 0.0);
    writeln!(
        session.out,
        "Adam, η = {ADAM_RATE}, {STEPS} full-batch steps, λ = {LAMBDA}:"
    )?;
    writeln!(
        session.out,
        "  weight norm ‖W‖: none {:.4}, L2 penalty {:.4}, AdamW decay {:.4}",
        weight_norm(&plain),
        weight_norm(&penalized),
        weight_norm(&decoupled)
    )?;
    writeln!(
        session.out,
        "  largest difference between the penalized and the AdamW run: {:.3}",
        max_difference(&penalized, &decoupled)
    )?;
    Ok(())
}

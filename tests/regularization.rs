//! Regularization and step control in the training loop: gradient clipping, learning-rate
//! schedules, the L2 penalty and early stopping, each checked against the law it promises.

use nabla::Batch;
use nabla::batch::one_hot;
use nabla::clip::{Clip, global_norm};
use nabla::data::Dataset;
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::{Parameters, loss_and_gradients};
use nabla::optim::{Adam, Optimizer, Sgd};
use nabla::regularize::{add_l2, weight_slots};
use nabla::schedule::Schedule;
use nabla::train::{EarlyStopping, EpochReport, TrainConfig, Trainer, fit, mean_loss, on_epoch};
use nabla_tests::{Tensors, seeded};
use rand::Rng;

nabla::network! {
    /// Dense layers only: a training pass is the same function as `loss_and_gradients`'s.
    struct Tiny: 4 => tanh 6 => softmax 3
}

nabla::network! {
    /// With batch norm (one-dimensional γ and β, and buffers) and dropout.
    struct Normed: 16 => relu 32 => batchnorm => dropout(0.1) => relu 16 => softmax 4
}

/// Random gradients over three tensors, some entries large.
fn gradients(rng: &mut impl Rng) -> Tensors {
    Tensors(
        [5, 3, 8]
            .iter()
            .map(|&n| (0..n).map(|_| rng.random_range(-4.0..4.0)).collect())
            .collect(),
    )
}

fn flat<T: nabla::Scalar, P: Parameters<T>>(model: &P) -> Vec<T> {
    let mut all = Vec::new();
    model.visit(&mut |tensor| all.extend_from_slice(tensor));
    all
}

fn flat_buffers<T: nabla::Scalar, P: Parameters<T>>(model: &P) -> Vec<T> {
    let mut all = Vec::new();
    model.visit_buffers(&mut |tensor| all.extend_from_slice(tensor));
    all
}

/// `columns` random samples of `IN` features with labels from `label`.
fn random_data<const IN: usize, const OUT: usize>(
    rng: &mut impl Rng,
    columns: usize,
) -> Dataset<f32, IN, OUT> {
    let inputs = Batch::from_fn(columns, |_, _| rng.random_range(-1.0..1.0));
    let labels: Vec<u8> = (0..columns)
        .map(|_| rng.random_range(0..OUT as u8))
        .collect();
    Dataset::new(inputs, one_hot(&labels))
}

// --- Clipping -----------------------------------------------------------------------------

#[test]
fn norm_clipping_bounds_the_global_norm_and_keeps_the_direction() {
    let mut rng = seeded(1);
    for _ in 0..50 {
        let original = gradients(&mut rng);
        let norm = global_norm(&original);
        for max_norm in [0.1, 1.0, norm * 0.999, norm * 2.0] {
            let mut clipped = original.clone();
            let seen = Clip::Norm(max_norm).apply(&mut clipped);
            assert_eq!(seen, Some(norm));
            let after = global_norm(&clipped);
            assert!(after <= max_norm * (1.0 + 1e-12), "{after} > {max_norm}");
            if norm <= max_norm {
                assert_eq!(clipped, original, "a short gradient is left alone");
                continue;
            }
            assert!(
                (after - max_norm).abs() <= 1e-12 * max_norm,
                "{after} vs {max_norm}"
            );
            // Same direction: every entry scaled by the same positive factor.
            let scale = max_norm / norm;
            for (c, o) in flat(&clipped).iter().zip(flat(&original)) {
                assert!(
                    (c - o * scale).abs() <= 1e-14 * o.abs().max(1.0),
                    "{c} vs {o}·{scale}"
                );
                assert!(c.signum() == o.signum() || *c == 0.0);
            }
        }
    }
}

#[test]
fn value_clipping_bounds_both_signs_and_leaves_small_entries_alone() {
    let mut rng = seeded(2);
    for c in [0.5, 1.0, 3.0] {
        let original = gradients(&mut rng);
        let mut clipped = original.clone();
        assert_eq!(Clip::Value(c).apply(&mut clipped), None);
        let (mut above, mut below) = (0, 0);
        for (g, o) in flat(&clipped).iter().zip(flat(&original)) {
            assert!((-c..=c).contains(g), "{g} outside ±{c}");
            if o > c {
                assert_eq!(*g, c);
                above += 1;
            } else if o < -c {
                assert_eq!(*g, -c);
                below += 1;
            } else {
                assert_eq!(*g, o, "an entry within ±{c} is unchanged");
            }
        }
        assert!(above > 0 && below > 0, "both sides were clipped at {c}");
    }
}

#[test]
fn clipping_in_the_loop_bounds_each_sgd_step_and_a_loose_bound_changes_nothing() {
    let mut rng = seeded(3);
    let data = random_data::<4, 3>(&mut rng, 30);
    let start = Tiny::<f32>::new(&mut seeded(4));
    let run = |clip: Option<Clip>| {
        let mut network = Tiny::<f32>::new(&mut seeded(4));
        let config = TrainConfig {
            epochs: 1,
            batch_size: 30,
            clip,
            ..TrainConfig::default()
        };
        fit(
            &mut network,
            &SoftmaxCrossEntropy,
            &mut Sgd::new(10.0),
            &data,
            &config,
            &mut seeded(5),
            (),
        )
        .unwrap();
        network
    };
    let (rate, c) = (10.0, 1e-3);
    let clipped = run(Some(Clip::Value(c)));
    let largest = (flat(&clipped).iter().zip(flat(&start)))
        .map(|(a, b)| (a - b).abs() as f64)
        .fold(0.0, f64::max);
    assert!(
        largest <= rate * c * (1.0 + 1e-3),
        "a step of {largest} > η·c"
    );
    assert!(
        largest >= rate * c * 0.999,
        "some entry was clipped: {largest}"
    );
    assert_eq!(flat(&run(Some(Clip::Norm(1e30)))), flat(&run(None)));
    assert_eq!(flat(&run(Some(Clip::Value(1e30)))), flat(&run(None)));
}

// --- Schedules ----------------------------------------------------------------------------

#[test]
fn step_decay_multiplies_by_gamma_at_each_boundary() {
    let schedule = Schedule::step_decay(2, 0.5);
    let (per_epoch, total) = (10, 100);
    // Epochs 0 and 1 (steps 0–19) at the base rate; halved from step 20, again from step 40.
    assert_eq!(schedule.rate(0.1, 0, per_epoch, total), 0.1);
    assert_eq!(schedule.rate(0.1, 19, per_epoch, total), 0.1);
    assert_eq!(schedule.rate(0.1, 20, per_epoch, total), 0.05);
    assert_eq!(schedule.rate(0.1, 39, per_epoch, total), 0.05);
    assert_eq!(schedule.rate(0.1, 40, per_epoch, total), 0.025);
}

#[test]
fn cosine_runs_from_the_base_rate_to_the_minimum() {
    let schedule = Schedule::cosine(0.001);
    let total = 200;
    assert_eq!(schedule.rate(0.1, 0, 20, total), 0.1);
    assert!((schedule.rate(0.1, total, 20, total) - 0.001).abs() < 1e-15);
    assert!((schedule.rate(0.1, total / 2, 20, total) - 0.0505).abs() < 1e-12);
    let rates: Vec<f64> = (0..=total)
        .map(|s| schedule.rate(0.1, s, 20, total))
        .collect();
    assert!(
        rates.windows(2).all(|w| w[1] <= w[0]),
        "cosine only decreases"
    );
    assert!(rates.iter().all(|&r| (0.001..=0.1).contains(&r)));
}

#[test]
fn warm_up_rises_linearly_from_near_zero_then_hands_over() {
    let warm = Schedule::constant().with_warmup(10);
    let rates: Vec<f64> = (0..15).map(|s| warm.rate(0.2, s, 5, 100)).collect();
    assert!(
        (rates[0] - 0.02).abs() < 1e-15,
        "the first step gets base/n: {}",
        rates[0]
    );
    for (s, &r) in rates.iter().enumerate().take(10) {
        assert!(
            (r - 0.2 * (s + 1) as f64 / 10.0).abs() < 1e-15,
            "step {s}: {r}"
        );
    }
    assert!(rates[10..].iter().all(|&r| r == 0.2));

    // Warm-up then cosine: the cosine starts at the base rate where the warm-up ends.
    let both = Schedule::cosine(0.0).with_warmup(10);
    assert!((both.rate(0.2, 9, 5, 110) - 0.2).abs() < 1e-15);
    assert_eq!(both.rate(0.2, 10, 5, 110), 0.2);
    assert!((both.rate(0.2, 60, 5, 110) - 0.1).abs() < 1e-12);
    assert!(both.rate(0.2, 110, 5, 110).abs() < 1e-15);
}

#[test]
fn constant_schedule_returns_the_base_rate_exactly() {
    for base in [1e-3, 0.1, 0.3, 7.7] {
        for step in [0, 1, 99, 10_000] {
            assert_eq!(Schedule::constant().rate(base, step, 7, 100), base);
        }
    }
}

#[test]
fn a_default_run_is_bit_identical_to_the_plain_loop_without_a_schedule() {
    let data = random_data::<16, 4>(&mut seeded(6), 100);
    let mut plain = Normed::<f32>::new(&mut seeded(7));
    let mut optimizer = Adam::new(1e-2);
    let mut trainer = Trainer::new(&plain);
    let mut rng = seeded(8);
    let mut plain_reports = Vec::new();
    for _ in 0..3 {
        let report = trainer
            .epoch(
                &mut plain,
                &SoftmaxCrossEntropy,
                &mut optimizer,
                &data,
                16,
                &mut rng,
                &mut || {},
            )
            .unwrap();
        plain_reports.push(report.mean_loss);
    }

    let mut scheduled = Normed::<f32>::new(&mut seeded(7));
    let config = TrainConfig {
        epochs: 3,
        batch_size: 16,
        schedule: Schedule::constant(),
        ..TrainConfig::default()
    };
    let reports = fit(
        &mut scheduled,
        &SoftmaxCrossEntropy,
        &mut Adam::new(1e-2),
        &data,
        &config,
        &mut seeded(8),
        (),
    )
    .unwrap();
    assert_eq!(flat(&scheduled), flat(&plain));
    assert_eq!(flat_buffers(&scheduled), flat_buffers(&plain));
    let losses: Vec<f64> = reports.iter().map(|r| r.mean_loss).collect();
    assert_eq!(losses, plain_reports);
}

#[test]
fn the_loop_sets_the_scheduled_rate_and_gives_the_base_rate_back() {
    let data = random_data::<4, 3>(&mut seeded(9), 40);
    let mut network = Tiny::<f32>::new(&mut seeded(10));
    let mut optimizer = Sgd::new(0.1);
    let config = TrainConfig {
        epochs: 4,
        batch_size: 10,
        schedule: Schedule::step_decay(1, 0.5),
        ..TrainConfig::default()
    };
    let mut rates = Vec::new();
    fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut optimizer,
        &data,
        &config,
        &mut seeded(11),
        on_epoch(|_: &EpochReport, _: &Tiny<f32>, o: &Sgd| {
            rates.push(Optimizer::<f32>::learning_rate(o));
            Ok(())
        }),
    )
    .unwrap();
    // The rate of each epoch's last step.
    assert_eq!(rates, [0.1, 0.05, 0.025, 0.0125]);
    assert_eq!(optimizer.learning_rate, 0.1);
}

// --- L2 -----------------------------------------------------------------------------------

#[test]
fn l2_adds_exactly_lambda_w_to_weights_and_nothing_to_biases_or_batch_norm() {
    let mut rng = seeded(12);
    let network = Normed::<f64>::new(&mut rng);
    let input = Batch::<f64, 16>::from_fn(8, |_, _| rng.random_range(-1.0..1.0));
    let targets = one_hot::<f64, 4>(&[0, 1, 2, 3, 0, 1, 2, 3]);
    let loss = network.loss();
    let (_, plain) = loss_and_gradients(&network, &loss, &input, &targets);
    let (_, mut penalized) = loss_and_gradients(&network, &loss, &input, &targets);
    let specs = network.tensor_specs();
    let weights = weight_slots(&specs);
    assert!(weights.iter().any(|&w| w) && weights.iter().any(|&w| !w));
    let lambda = 0.03;
    let penalty = add_l2(&network, &mut penalized, lambda, &weights);

    let tensors = |model: &Normed<f64>| {
        let mut all = Vec::new();
        model.visit(&mut |t| all.push(t.to_vec()));
        all
    };
    let (w, g, p) = (tensors(&network), tensors(&plain), tensors(&penalized));
    let mut expected_penalty = 0.0;
    for (i, spec) in specs.iter().enumerate() {
        if spec.shape.len() >= 2 {
            for ((&w, &g), &p) in w[i].iter().zip(&g[i]).zip(&p[i]) {
                assert_eq!(p, g + lambda * w, "{}", spec.name);
                expected_penalty += w * w;
            }
        } else {
            assert_eq!(p[i], g[i], "{} is not penalized", spec.name);
        }
    }
    assert!((penalty - lambda / 2.0 * expected_penalty).abs() <= 1e-12 * penalty);
}

#[test]
fn l2_in_the_loop_adds_the_penalty_to_the_loss_and_lambda_w_to_the_step() {
    let mut rng = seeded(13);
    let inputs = Batch::<f64, 4>::from_fn(20, |_, _| rng.random_range(-1.0..1.0));
    let labels: Vec<u8> = (0..20).map(|i| (i % 3) as u8).collect();
    let data = Dataset::new(inputs, one_hot(&labels));
    let start = Tiny::<f64>::new(&mut seeded(14));
    let (rate, lambda) = (0.5, 0.1);

    // By hand: one full-batch SGD step on loss + λ/2 Σ w².
    let (value, mut gradient) =
        loss_and_gradients(&start, &SoftmaxCrossEntropy, &data.inputs, &data.targets);
    let penalty = add_l2(
        &start,
        &mut gradient,
        lambda,
        &weight_slots(&start.tensor_specs()),
    );
    let expected: Vec<f64> = (flat(&start).iter().zip(flat(&gradient)))
        .map(|(w, g)| w - rate * g)
        .collect();

    let mut network = Tiny::<f64>::new(&mut seeded(14));
    let config = TrainConfig {
        epochs: 1,
        batch_size: 20,
        l2: lambda,
        ..TrainConfig::default()
    };
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut Sgd::new(rate),
        &data,
        &config,
        &mut seeded(15),
        (),
    )
    .unwrap();
    assert!(penalty > 0.0);
    assert!(
        (reports[0].mean_loss - (value + penalty)).abs() < 1e-12,
        "{reports:?}"
    );
    for (a, b) in flat(&network).iter().zip(&expected) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
}

// --- Early stopping -----------------------------------------------------------------------

#[test]
fn early_stopping_restores_the_best_epoch_and_stops_after_patience() {
    // Ten samples with random labels, memorized by a network with room to spare; the
    // validation set has the same inputs and other random labels, so its loss soon rises.
    let mut rng = seeded(16);
    let train = random_data::<16, 4>(&mut rng, 10);
    let labels: Vec<u8> = (0..10).map(|_| rng.random_range(0..4)).collect();
    let validation = Dataset::new(train.inputs.clone(), one_hot(&labels));
    let patience = 3;
    let mut network = Normed::<f32>::new(&mut seeded(17));
    let config = TrainConfig {
        epochs: 200,
        batch_size: 5,
        early_stopping: Some(EarlyStopping {
            validation: &validation,
            patience,
        }),
        ..TrainConfig::default()
    };
    let mut snapshots = Vec::new();
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut Adam::new(1e-2),
        &train,
        &config,
        &mut seeded(18),
        on_epoch(
            |report: &EpochReport, network: &Normed<f32>, _: &Adam<f32>| {
                snapshots.push((report.epoch, flat(network), flat_buffers(network)));
                Ok(())
            },
        ),
    )
    .unwrap();

    let best = reports.last().unwrap().best_epoch.unwrap();
    assert!(
        best > 1,
        "the validation loss fell before it rose (best epoch {best})"
    );
    assert!(reports.len() < 200, "stopped early");
    assert_eq!(
        reports.len(),
        best + patience,
        "stopped {patience} epochs after the best"
    );
    assert_eq!(
        snapshots.len(),
        reports.len(),
        "the observer heard every epoch"
    );
    let losses: Vec<f64> = reports.iter().map(|r| r.validation_loss.unwrap()).collect();
    let lowest = losses.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(losses[best - 1], lowest);
    assert!(losses[best..].iter().all(|&l| l >= lowest));
    // The training loss kept falling while the validation loss did not.
    assert!(reports.last().unwrap().mean_loss < reports[best - 1].mean_loss);

    let (epoch, parameters, buffers) = &snapshots[best - 1];
    assert_eq!(*epoch, best);
    assert_eq!(&flat(&network), parameters, "the best epoch's parameters");
    assert_eq!(&flat_buffers(&network), buffers, "the best epoch's buffers");
    assert_ne!(&flat(&network), &snapshots.last().unwrap().1);
    assert_eq!(
        mean_loss(&network, &SoftmaxCrossEntropy, &validation),
        lowest
    );
}

#[test]
fn early_stopping_on_an_improving_run_trains_every_epoch_and_keeps_the_last() {
    let data = random_data::<4, 3>(&mut seeded(19), 60);
    let mut network = Tiny::<f32>::new(&mut seeded(20));
    let config = TrainConfig {
        epochs: 5,
        batch_size: 10,
        early_stopping: Some(EarlyStopping {
            validation: &data,
            patience: 2,
        }),
        ..TrainConfig::default()
    };
    let mut last = Vec::new();
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut Adam::new(1e-2),
        &data,
        &config,
        &mut seeded(21),
        on_epoch(|_: &EpochReport, network: &Tiny<f32>, _: &Adam<f32>| {
            last = flat(network);
            Ok(())
        }),
    )
    .unwrap();
    assert_eq!(reports.len(), 5);
    let bests: Vec<usize> = reports.iter().map(|r| r.best_epoch.unwrap()).collect();
    assert_eq!(bests, [1, 2, 3, 4, 5]);
    assert_eq!(flat(&network), last);
}

#[test]
fn bad_settings_are_errors_naming_the_setting() {
    let data = random_data::<4, 3>(&mut seeded(22), 10);
    let empty = data.take(0);
    let bad = [
        (
            TrainConfig {
                clip: Some(Clip::Norm(-1.0)),
                ..TrainConfig::default()
            },
            "clipping norm",
        ),
        (
            TrainConfig {
                clip: Some(Clip::Value(0.0)),
                ..TrainConfig::default()
            },
            "clipping value",
        ),
        (
            TrainConfig {
                l2: f64::NAN,
                ..TrainConfig::default()
            },
            "L2",
        ),
        (
            TrainConfig {
                schedule: Schedule::step_decay(0, 0.5),
                ..TrainConfig::default()
            },
            "step decay",
        ),
        (
            TrainConfig {
                schedule: Schedule::cosine(-1.0),
                ..TrainConfig::default()
            },
            "cosine",
        ),
        (
            TrainConfig {
                early_stopping: Some(EarlyStopping {
                    validation: &data,
                    patience: 0,
                }),
                ..TrainConfig::default()
            },
            "patience",
        ),
        (
            TrainConfig {
                early_stopping: Some(EarlyStopping {
                    validation: &empty,
                    patience: 2,
                }),
                ..TrainConfig::default()
            },
            "validation set",
        ),
    ];
    for (config, words) in bad {
        let mut network = Tiny::<f32>::new(&mut seeded(23));
        let error = fit(
            &mut network,
            &SoftmaxCrossEntropy,
            &mut Sgd::new(0.1),
            &data,
            &config,
            &mut seeded(24),
            (),
        )
        .unwrap_err();
        assert!(
            matches!(error, nabla::Error::InvalidSetting(_)),
            "{error:?}"
        );
        assert!(
            error.to_string().contains(words),
            "{error} should name {words}"
        );
    }
}

//! Chapter 12's equations, each checked numerically by the test named after it; the checks
//! that grade the learner's dropout, L2 gradient and early stopping run on the library's (see
//! `library`). The chapter's experiments on a small seeded problem are in `experiments`.

use chapters::ch12_regularization::decay::{
    ADAM_RATE, LAMBDA, SGD_RATE, Tiny, hand_run, max_difference, penalized_loss, toy_data,
    weight_norm,
};
use chapters::ch12_regularization::dropout_mean::{INPUT, measure};
use chapters::ch12_regularization::overfit::lowest;
use nabla::batch::one_hot;
use nabla::data::Dataset;
use nabla::dropout::{Dropout, DropoutCache};
use nabla::gradcheck::check_gradients;
use nabla::layer::{Layer, Pass};
use nabla::loss::{Loss, SoftmaxCrossEntropy};
use nabla::network::{Network, Parameters, loss_and_gradients};
use nabla::optim::{Adam, AdamW, Sgd};
use nabla::regularize::{add_l2, weight_slots};
use nabla::train::{EarlyStopping, TrainConfig, fit, mean_loss, on_epoch};
use nabla::{Batch, Scalar};
use nabla_tests::{options, seeded};
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;

fn flat<T: Scalar, P: Parameters<T>>(model: &P) -> Vec<T> {
    let mut all = Vec::new();
    model.visit(&mut |tensor| all.extend_from_slice(tensor));
    all
}

#[test]
fn eq_12_1_the_penalty_is_half_lambda_times_the_squared_weights_and_leaves_biases_out() {
    let data = toy_data();
    let mut network = Tiny::<f64>::new(&mut seeded(1));
    // Biases start at 0: give them values, so that leaving them out shows.
    let mut rng = seeded(11);
    network.visit_mut(&mut |t| t.iter_mut().for_each(|v| *v += rng.random_range(-0.5..0.5)));
    // By hand: the two weight matrices are tensors 0 and 2 (weight, bias, weight, bias).
    let specs = network.tensor_specs();
    let mut tensors = Vec::new();
    network.visit(&mut |t| tensors.push(t.to_vec()));
    assert_eq!(specs.len(), 4);
    let by_hand: f64 = [0, 2]
        .iter()
        .map(|&i| tensors[i].iter().map(|w| w * w).sum::<f64>())
        .sum();
    let lambda = 0.3;
    let data_loss = SoftmaxCrossEntropy.value(&network.logits(&data.inputs), &data.targets);
    let penalized = penalized_loss(&network, &data, lambda);
    assert!((penalized - data_loss - lambda / 2.0 * by_hand).abs() < 1e-12);
    // The library's penalty agrees, and biases are not in it.
    let mut gradients = network.zeros_like();
    let penalty = add_l2(&network, &mut gradients, lambda, &weight_slots(&specs));
    assert!(
        (penalty - lambda / 2.0 * by_hand).abs() < 1e-12,
        "{penalty}"
    );
    let bias_squares: f64 = [1, 3]
        .iter()
        .map(|&i| tensors[i].iter().map(|b| b * b).sum::<f64>())
        .sum();
    assert!(
        bias_squares > 0.01,
        "the biases are not zero, so leaving them out shows"
    );
}

#[test]
fn eq_12_2_the_penalty_adds_lambda_w_to_each_weight_gradient_and_nothing_to_biases() {
    let data = toy_data();
    let mut network = Tiny::<f64>::new(&mut seeded(2));
    let (_, plain) =
        loss_and_gradients(&network, &SoftmaxCrossEntropy, &data.inputs, &data.targets);
    let mut gradients = plain.clone();
    add_l2(
        &network,
        &mut gradients,
        LAMBDA,
        &weight_slots(&network.tensor_specs()),
    );
    let report = check_gradients(
        &mut network,
        &gradients,
        |n| penalized_loss(n, &data, LAMBDA),
        options(),
    );
    assert!(report.max_relative_error < 1e-6, "{report:?}");
    // The added term, entry by entry (λw on weights, 0 on biases), is what the check that
    // grades the learner's L2 gradient (exercise 12.3) verifies, against central differences.
    let outcome = exercises::checks::ch12_regularization::l2_gradient(library::l2_gradient);
    assert!(outcome.passed(), "{outcome:?}");
    let slots = weight_slots(&network.tensor_specs());
    // The penalty is λ/2 Σw², so its gradient is λw (not 2λw): a factor 2 fails the check.
    let mut doubled = plain.clone();
    add_l2(&network, &mut doubled, 2.0 * LAMBDA, &slots);
    let wrong = check_gradients(
        &mut network,
        &doubled,
        |n| penalized_loss(n, &data, LAMBDA),
        options(),
    );
    assert!(wrong.max_relative_error > 1e-3, "{wrong:?}");
}

#[test]
fn eq_12_3_l2_under_plain_sgd_is_weight_decay_by_one_minus_eta_lambda() {
    let penalized = hand_run(Sgd::new(SGD_RATE), LAMBDA, 0.0);
    let decayed = hand_run(Sgd::new(SGD_RATE), 0.0, LAMBDA);
    let plain = hand_run(Sgd::new(SGD_RATE), 0.0, 0.0);
    let same = max_difference(&penalized, &decayed);
    assert!(same < 1e-12, "penalty and decay differ by {same}");
    // Not vacuous: the regularization moved the weights a long way.
    assert!(max_difference(&penalized, &plain) > 0.5);
    assert!(weight_norm(&penalized) < 0.7 * weight_norm(&plain));
    // The mapping matters: decay by another factor is another trajectory.
    let off = hand_run(Sgd::new(SGD_RATE), 0.0, 2.0 * LAMBDA);
    assert!(max_difference(&penalized, &off) > 0.1);
}

#[test]
fn eq_12_4_adamw_decays_outside_the_moments_and_no_l2_penalty_under_adam_matches_it() {
    let adamw = hand_run(AdamW::with_weight_decay(ADAM_RATE, LAMBDA), 0.0, 0.0);
    // AdamW is Adam's step from g alone after multiplying the weights by 1 − ηλ.
    let by_hand = hand_run(Adam::new(ADAM_RATE), 0.0, LAMBDA);
    assert!(max_difference(&adamw, &by_hand) < 1e-12);
    // Adam on the penalized loss is another optimizer, for every λ' near λ: the penalty's
    // gradient goes through the division by √v̂.
    for scale in [0.01, 0.03, 0.1, 0.3, 1.0, 3.0] {
        let penalized = hand_run(Adam::new(ADAM_RATE), scale * LAMBDA, 0.0);
        let gap = max_difference(&penalized, &adamw);
        assert!(
            gap > 0.05,
            "Adam with L2 λ' = {} is within {gap} of AdamW",
            scale * LAMBDA
        );
    }
}

#[test]
fn eq_12_5_dropout_outputs_are_zero_or_the_input_over_the_keep_probability() {
    // The check that grades the learner's forward pass (exercise 12.1), on the library's masks.
    let outcome = exercises::checks::ch12_regularization::dropout_forward(library::dropout_forward);
    assert!(outcome.passed(), "{outcome:?}");
    for p in [0.2, 0.5] {
        let masks = 4000;
        let batch = Batch::<f64, 8>::from_fn(masks, |row, _| INPUT[row]);
        let mut cache = DropoutCache::default();
        Dropout::new(p, 9).forward(&batch, Pass::train(3), &mut cache);
        for (out, a) in cache.output.iter().zip(batch.iter()) {
            assert!(
                *out == 0.0 || (out - a / (1.0 - p)).abs() < 1e-12,
                "{out} from {a}"
            );
        }
        let kept = measure(&INPUT, p, masks, 9).kept;
        let sd = (p * (1.0 - p) / (8.0 * masks as f64)).sqrt();
        assert!(
            (kept - (1.0 - p)).abs() < 4.0 * sd,
            "kept {kept} at p = {p}"
        );
    }
    // At inference the layer is the identity.
    let batch = Batch::<f64, 8>::from_fn(3, |row, _| INPUT[row]);
    let mut cache = DropoutCache::default();
    let output = Dropout::new(0.5, 9).forward(&batch, Pass::infer(), &mut cache);
    assert_eq!(output, &batch);
}

#[test]
fn eq_12_6_inverted_dropout_keeps_the_expected_output() {
    for p in [0.2, 0.5, 0.8] {
        let masks = 20_000;
        let measured = measure(&INPUT, p, masks, 5);
        for (a, mean) in INPUT.iter().zip(&measured.mean) {
            // The standard error of a mean of `masks` draws of variance a² p/(1 − p).
            let error = (a * a * p / (1.0 - p) / masks as f64).sqrt();
            assert!(
                (mean - a).abs() <= 4.0 * error + 1e-12,
                "p = {p}: mean {mean}, a {a}"
            );
        }
    }
    // Without the 1/(1 − p), the mean would be (1 − p) a: far outside those bounds.
    let measured = measure(&INPUT, 0.5, 20_000, 5);
    assert!((measured.mean[7] - 0.5 * INPUT[7]).abs() > 1.0);
}

#[test]
fn eq_12_7_dropout_variance_is_a_squared_p_over_one_minus_p() {
    for p in [0.2, 0.5] {
        let masks = 40_000;
        let measured = measure(&INPUT, p, masks, 6);
        for (a, variance) in INPUT.iter().zip(&measured.variance) {
            let expected = a * a * p / (1.0 - p);
            // A sample variance of Bernoulli-scaled draws is within a few percent at 40,000.
            assert!(
                (variance - expected).abs() <= 0.05 * expected + 1e-12,
                "p = {p}, a = {a}: {variance} vs {expected}"
            );
        }
    }
}

/// (12.8) The check that grades the learner's backward pass (exercise 12.2) passes the
/// library's, against central differences of L = Σ g ã through the library's forward pass. On a
/// whole batch, with the mask of a step of training: the gradient is the upstream gradient
/// times the factor the forward pass gave each input, 0 where it dropped one.
#[test]
fn eq_12_8_dropout_backward_multiplies_by_the_forward_mask() {
    let outcome = exercises::checks::ch12_regularization::dropout_backward(
        library::dropout_backward,
        library::dropout_forward,
    );
    assert!(outcome.passed(), "{outcome:?}");
    let mut rng = seeded(8);
    let input: Vec<f64> = (0..8 * 5).map(|_| rng.random_range(0.5..2.0)).collect();
    let upstream: Vec<f64> = (0..8 * 5).map(|_| rng.random_range(-1.0..1.0)).collect();
    let layer = Dropout::new(0.4, 21);
    let batch = Batch::<f64, 8>::from_column_slice(&input);
    let mut cache = DropoutCache::default();
    let output = layer.forward(&batch, Pass::train(17), &mut cache).clone();
    let mut input_gradient = Batch::zeros(0);
    let mut unused = layer;
    layer.backward(
        &batch,
        &cache,
        &Batch::<f64, 8>::from_column_slice(&upstream),
        &mut unused,
        Some(&mut input_gradient),
    );
    for k in 0..input.len() {
        let factor = output.as_slice()[k] / input[k];
        let expected = upstream[k] * factor;
        assert!(
            (input_gradient.as_slice()[k] - expected).abs() < 1e-12,
            "entry {k}"
        );
    }
    assert!(input_gradient.iter().any(|&g| g == 0.0) && input_gradient.iter().any(|&g| g != 0.0));
}

nabla::network! {
    /// A network that can memorize 100 noisy samples.
    struct Memorizer: 16 => relu 128 => softmax 4
}

/// `n` points in `[-1, 1]¹⁶` labelled by the largest of four fixed linear functions, a quarter
/// of the labels then replaced by random ones (noise a network can only memorize).
fn noisy_task(n: usize, seed: u64) -> Dataset<f32, 16, 4> {
    let mut mix_rng = StdRng::seed_from_u64(100);
    let mix: Vec<f32> = (0..64).map(|_| mix_rng.random_range(-1.0..1.0)).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    let inputs = Batch::<f32, 16>::from_fn(n, |_, _| rng.random_range(-1.0..1.0));
    let labels: Vec<u8> = inputs
        .column_iter()
        .map(|x| {
            if rng.random::<f64>() < 0.25 {
                return rng.random_range(0..4u8);
            }
            let score = |c: usize| (0..16).map(|i| mix[16 * c + i] * x[i]).sum::<f32>();
            (0..4u8)
                .max_by(|&a, &b| score(a.into()).total_cmp(&score(b.into())))
                .unwrap_or(0)
        })
        .collect();
    Dataset::new(inputs, one_hot(&labels))
}

#[test]
fn eq_12_9_early_stopping_returns_the_weights_of_the_lowest_validation_loss() {
    // The check that grades the learner's rule (exercise 12.4), on `fit`'s early stopping.
    let outcome = exercises::checks::ch12_regularization::early_stopping(library::early_stopping);
    assert!(outcome.passed(), "{outcome:?}");
    let (train, validation) = (noisy_task(100, 1), noisy_task(300, 2));
    let mut rng = seeded(3);
    let mut network = Memorizer::<f32>::new(&mut rng);
    let patience = 10;
    let config = TrainConfig {
        epochs: 60,
        batch_size: 20,
        early_stopping: Some(EarlyStopping {
            validation: &validation,
            patience,
        }),
        ..TrainConfig::default()
    };
    let (mut losses, mut weights) = (Vec::new(), Vec::new());
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut Adam::new(0.01),
        &train,
        &config,
        &mut rng,
        on_epoch(|_, n: &Memorizer<f32>, _: &Adam<f32>| {
            losses.push(mean_loss(n, &SoftmaxCrossEntropy, &validation));
            weights.push(flat(n));
            Ok(())
        }),
    )
    .expect("trains");
    let best = lowest(&losses);
    let stopped = reports.len();
    assert!(stopped < 60, "the run overfits, so it stops early");
    assert_eq!(
        stopped,
        best + patience,
        "it stops `patience` epochs after the best"
    );
    assert_eq!(reports.last().and_then(|r| r.best_epoch), Some(best));
    assert_eq!(
        flat(&network),
        weights[best - 1],
        "the best epoch's weights, exactly"
    );
    assert_ne!(weights[best - 1], weights[stopped - 1]);
}

mod experiments {
    //! Chapter 12's experiments on a small seeded problem, which are not tied to one equation and
    //! so are kept apart from the equation tests: a network that memorizes noisy labels and
    //! what each regularizer does to its validation loss, and the headline run's early stopping.

    use super::{Memorizer, noisy_task};
    use chapters::ch12_regularization::overfit::{Curves, SmallRun, curves, lowest};
    use nabla_tests::seeded;

    nabla::network! {
        /// The same with dropout.
        struct MemorizerDropout: 16 => relu 128 => dropout(0.5) => softmax 4
    }

    const SMALL: SmallRun = SmallRun {
        epochs: 60,
        learning_rate: 0.01,
        batch_size: 20,
        l2: 0.0,
        patience: None,
    };

    fn small(run: SmallRun, dropout: bool) -> Curves {
        let (train, validation) = (noisy_task(100, 1), noisy_task(300, 2));
        let mut rng = seeded(3);
        if dropout {
            curves(
                MemorizerDropout::<f32>::new(&mut rng),
                &train,
                &validation,
                run,
                &mut rng,
            )
        } else {
            curves(
                Memorizer::<f32>::new(&mut rng),
                &train,
                &validation,
                run,
                &mut rng,
            )
        }
        .expect("trains")
    }

    #[test]
    fn a_small_network_memorizes_noisy_labels_and_each_regularizer_helps_the_validation_loss() {
        let plain = small(SMALL, false);
        let lowest_of = |c: &Curves| c.validation_loss[lowest(&c.validation_loss) - 1];
        // Overfitting: the training loss goes to almost 0 while the validation loss climbs well
        // above its lowest value.
        let last_train = plain.train_loss[plain.train_loss.len() - 1];
        assert!(last_train < 0.05, "training loss {last_train}");
        assert!(
            plain.final_validation_loss > 1.4 * lowest_of(&plain),
            "{} vs {}",
            plain.final_validation_loss,
            lowest_of(&plain)
        );
        // The penalty and early stopping end far below the unregularized run's final loss.
        let l2 = small(SmallRun { l2: 0.01, ..SMALL }, false);
        let stopped = small(
            SmallRun {
                patience: Some(10),
                ..SMALL
            },
            false,
        );
        for (name, run) in [("L2", &l2), ("early stopping", &stopped)] {
            assert!(
                run.final_validation_loss < 0.8 * plain.final_validation_loss,
                "{name}: {} vs {}",
                run.final_validation_loss,
                plain.final_validation_loss
            );
        }
        assert!(
            stopped.validation_loss.len() < SMALL.epochs,
            "early stopping stopped"
        );
        assert_eq!(stopped.kept_epoch, lowest(&stopped.validation_loss));
        // Dropout memorizes too in the end, but more slowly: after 20 epochs its training loss
        // is several times the unregularized one, and its validation loss lower.
        let dropout = small(SMALL, true);
        let at = 20 - 1;
        assert!(
            dropout.train_loss[at] > 2.0 * plain.train_loss[at],
            "{} vs {}",
            dropout.train_loss[at],
            plain.train_loss[at]
        );
        assert!(
            dropout.validation_loss[at] < 0.92 * plain.validation_loss[at],
            "{} vs {}",
            dropout.validation_loss[at],
            plain.validation_loss[at]
        );
    }

    #[test]
    fn the_headline_run_stops_early_on_a_validation_split_of_the_training_images() {
        use chapters::headline::{
            RunConfig, check_validation_size, checkpoint_settings, describe, run,
        };
        // One epoch: the stopping rule itself is checked by eq_12_9; this checks the wiring.
        let config = RunConfig {
            epochs: 1,
            early_stopping: Some(1),
            validation: 5000,
            ..RunConfig::default()
        };
        let trained = run(&config, |_| {}).expect("trains");
        for report in &trained.reports {
            // Trained on the 55,000 images left after holding out 5,000.
            let samples = (report.samples_per_second * report.seconds).round();
            assert_eq!(samples, 55_000.0, "epoch {}", report.epoch);
            assert!(report.validation_loss.is_some_and(f64::is_finite));
            assert!(
                report
                    .best_epoch
                    .is_some_and(|b| (1..=report.epoch).contains(&b))
            );
        }
        assert!(describe(&config).contains("early stopping: patience 1 epoch, 5,000 validation"));
        let settings = checkpoint_settings(&config).expect("settings");
        assert!(settings.iter().any(|(key, _)| key == "early_stopping"));
        let plain = checkpoint_settings(&RunConfig::default()).expect("settings");
        assert!(plain.iter().all(|(key, _)| key != "early_stopping"));
        let dir = std::path::Path::new("data");
        assert!(check_validation_size(59_999, 60_000, dir).is_ok());
        for bad in [0, 60_000, 70_000] {
            assert!(check_validation_size(bad, 60_000, dir).is_err(), "{bad}");
        }
    }
}

mod library {
    //! Adapters from the library's dropout layer, L2 penalty and early stopping to the signatures
    //! of chapter 12's exercise checks.
    //!
    //! - Dropout: the check hands over a mask; the library draws its own from the layer's seed and
    //!   the step. The adapter runs the library's forward pass at the first step whose mask drops
    //!   exactly the entries the check's mask drops (at most a few hundred tries for the check's
    //!   short masks), so both the pattern and the factor 1/(1 − p) are the library's.
    //! - L2: the flat parameters become a [`Tensors`] model, one tensor per run of weights or of
    //!   biases, for `add_l2`.
    //! - Early stopping: `fit` trains the network `1 => identity 1` with an optimizer that replays
    //!   the check's validation losses: after epoch e the bias is √L_e, so the validation loss on
    //!   the one sample (x = 0, y = 0) is L_e, and the weight is e, so the network `fit` returns
    //!   names the epoch whose weights it kept.

    use exercises::ch12_regularization::EarlyStop;
    use nabla::Batch;
    use nabla::data::Dataset;
    use nabla::dropout::{Dropout, DropoutCache};
    use nabla::layer::{Layer, Pass};
    use nabla::loss::MeanSquaredError;
    use nabla::optim::Optimizer;
    use nabla::regularize::add_l2;
    use nabla::train::{EarlyStopping, TrainConfig, fit};
    use nabla_tests::{Tensors, seeded};

    /// The library's forward pass over `activations` (one row, a sample per entry) at the first
    /// training step whose mask drops what `mask` drops: the layer, its input and its cache.
    fn forward_with(
        activations: &[f64],
        mask: &[f64],
        p: f64,
    ) -> (Batch<f64, 1>, DropoutCache<f64, 1>) {
        let layer = Dropout::new(p, 12);
        let input = Batch::<f64, 1>::from_column_slice(activations);
        let mut cache = DropoutCache::default();
        for step in 0..100_000 {
            Layer::<f64, 1, 1>::forward(&layer, &input, Pass::train(step), &mut cache);
            let dropped = |factor: f64| factor == 0.0;
            if (cache.mask.iter().zip(mask)).all(|(&m, &r)| dropped(m) == dropped(r)) {
                return (input, cache);
            }
        }
        panic!("no step of the library's dropout draws the mask {mask:?}");
    }

    /// The library's dropout forward pass (12.5) with the mask `mask`, in exercise 12.1's signature.
    pub fn dropout_forward(activations: &[f64], mask: &[f64], p: f64) -> Vec<f64> {
        forward_with(activations, mask, p)
            .1
            .output
            .as_slice()
            .to_vec()
    }

    /// The library's dropout backward pass (12.8) with the mask `mask`, in exercise 12.2's
    /// signature: the forward pass that drew the mask, then `backward` from its cache.
    pub fn dropout_backward(output_gradient: &[f64], mask: &[f64], p: f64) -> Vec<f64> {
        let layer = Dropout::new(p, 12);
        let (input, cache) = forward_with(&vec![1.0; mask.len()], mask, p);
        let mut input_gradient = Batch::zeros(0);
        let mut unused = layer;
        Layer::<f64, 1, 1>::backward(
            &layer,
            &input,
            &cache,
            &Batch::<f64, 1>::from_column_slice(output_gradient),
            &mut unused,
            Some(&mut input_gradient),
        );
        input_gradient.as_slice().to_vec()
    }

    /// The library's `add_l2` (12.2), in exercise 12.3's signature: θ cut into one tensor per run
    /// of weights or biases, the runs of weights marked as the slots to penalize.
    pub fn l2_gradient(
        parameters: &[f64],
        gradient: &[f64],
        is_weight: &[bool],
        lambda: f64,
    ) -> Vec<f64> {
        let (mut model, mut gradients, mut slots) = (Tensors(vec![]), Tensors(vec![]), vec![]);
        let mut start = 0;
        for run in is_weight.chunk_by(|a, b| a == b) {
            let range = start..start + run.len();
            model.0.push(parameters[range.clone()].to_vec());
            gradients.0.push(gradient[range].to_vec());
            slots.push(run[0]);
            start += run.len();
        }
        add_l2(&model, &mut gradients, lambda, &slots);
        gradients.0.concat()
    }

    nabla::network! {
        /// One identity neuron: the weight names the epoch, the bias sets the validation loss.
        pub struct Replayed: 1 => identity 1
    }

    /// An optimizer that, at the step of epoch e, sets the weight to e and the bias to √L_e.
    struct Replay<'a> {
        losses: &'a [f64],
        epoch: usize,
    }

    impl Optimizer<f64> for Replay<'_> {
        fn learning_rate(&self) -> f64 {
            1.0
        }

        fn set_learning_rate(&mut self, _learning_rate: f64) {}

        fn begin_step(&mut self) {
            self.epoch += 1;
        }

        fn update(&mut self, slot: usize, parameters: &mut [f64], _gradients: &[f64]) {
            parameters[0] = match slot {
                0 => self.epoch as f64,
                _ => self.losses[self.epoch - 1].sqrt(),
            };
        }
    }

    /// The library's early stopping in `fit` (12.9), in exercise 12.4's signature: the last epoch
    /// trained, and the epoch whose weights `fit` returned.
    pub fn early_stopping(validation_losses: &[f64], patience: usize) -> EarlyStop {
        let one = Dataset::new(Batch::<f64, 1>::zeros(1), Batch::<f64, 1>::zeros(1));
        let mut network = Replayed::<f64>::zeros();
        let config = TrainConfig {
            epochs: validation_losses.len(),
            batch_size: 1,
            early_stopping: Some(EarlyStopping {
                validation: &one,
                patience,
            }),
            ..TrainConfig::default()
        };
        let mut replay = Replay {
            losses: validation_losses,
            epoch: 0,
        };
        let reports = fit(
            &mut network,
            &MeanSquaredError,
            &mut replay,
            &one,
            &config,
            &mut seeded(12),
            (),
        )
        .expect("trains");
        EarlyStop {
            stop_epoch: reports.len(),
            best_epoch: network.layer1.weights[(0, 0)] as usize,
        }
    }
}

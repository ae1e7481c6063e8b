//! Chapter 12's exercises: typical wrong answers fail with their mistake named, and the library's
//! own dropout, L2 penalty and early stopping agree with the same checks.

use exercises::Outcome;
use exercises::ch12_regularization::EarlyStop;
use exercises::checks::ch12_regularization::{
    dropout_backward, dropout_forward, early_stopping, l2_gradient,
};
use exercises::solutions::ch12_regularization as solution;
use nabla::Batch;
use nabla::batch::one_hot;
use nabla::data::Dataset;
use nabla::dense::Dense;
use nabla::dropout::{Dropout, DropoutCache};
use nabla::layer::{Layer, Pass};
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::Parameters;
use nabla::optim::Adam;
use nabla::rand::rngs::StdRng;
use nabla::rand::{Rng, SeedableRng};
use nabla::regularize::{add_l2, weight_slots};
use nabla::train::{EarlyStopping, TrainConfig, fit};

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(failure) => failure
            .likely_mistake
            .unwrap_or_else(|| panic!("no mistake named for: {}", failure.explanation)),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// `factor(rᵢ, p) · xᵢ`.
fn times(x: &[f64], mask: &[f64], p: f64, factor: fn(f64, f64) -> f64) -> Vec<f64> {
    x.iter().zip(mask).map(|(x, &r)| factor(r, p) * x).collect()
}

#[test]
fn wrong_dropouts_fail_with_their_mistake_named() {
    let undivided = |a: &[f64], r: &[f64], p: f64| times(a, r, p, |r, _| r);
    let said = mistake(dropout_forward(undivided));
    assert!(said.contains("forgot to divide by 1 − p"), "{said}");
    let by_p = |a: &[f64], r: &[f64], p: f64| times(a, r, p, |r, p| r / p);
    assert!(mistake(dropout_forward(by_p)).contains("divided by p"));
    let old_rule = |a: &[f64], r: &[f64], p: f64| times(a, r, p, |r, p| r * (1.0 - p));
    assert!(mistake(dropout_forward(old_rule)).contains("multiplied by 1 − p"));

    let forward = solution::dropout_forward;
    let said = mistake(dropout_backward(undivided, forward));
    assert!(said.contains("forgot to divide by 1 − p"), "{said}");
    let unmasked = |g: &[f64], _r: &[f64], _p: f64| g.to_vec();
    let said = mistake(dropout_backward(unmasked, forward));
    assert!(said.contains("only through the kept units"), "{said}");
}

#[test]
fn wrong_l2_gradients_fail_with_their_mistake_named() {
    let weights_only = |theta: &[f64], g: &[f64], w: &[bool], factor: f64| -> Vec<f64> {
        theta
            .iter()
            .zip(g)
            .zip(w)
            .map(|((t, g), &w)| if w { g + factor * t } else { *g })
            .collect()
    };
    let two_lambda = |t: &[f64], g: &[f64], w: &[bool], l: f64| weights_only(t, g, w, 2.0 * l);
    assert!(mistake(l2_gradient(two_lambda)).contains("the ½ cancels the 2"));
    let minus = |t: &[f64], g: &[f64], w: &[bool], l: f64| weights_only(t, g, w, -l);
    assert!(mistake(l2_gradient(minus)).contains("wrong sign"));
    let biases_too =
        |t: &[f64], g: &[f64], w: &[bool], l: f64| weights_only(t, g, &vec![true; w.len()], l);
    assert!(mistake(l2_gradient(biases_too)).contains("biases are penalized"));
    let data_only = |_t: &[f64], g: &[f64], _w: &[bool], _l: f64| g.to_vec();
    assert!(mistake(l2_gradient(data_only)).contains("λ w is missing"));
}

#[test]
fn wrong_early_stopping_fails_with_its_mistake_named() {
    let last_weights = |losses: &[f64], patience: usize| {
        let stop = solution::early_stopping(losses, patience);
        EarlyStop {
            best_epoch: stop.stop_epoch,
            ..stop
        }
    };
    assert!(mistake(early_stopping(last_weights)).contains("best epoch e*"));
    let zero_based = |losses: &[f64], patience: usize| {
        let stop = solution::early_stopping(losses, patience);
        EarlyStop {
            stop_epoch: stop.stop_epoch - 1,
            best_epoch: stop.best_epoch - 1,
        }
    };
    assert!(mistake(early_stopping(zero_based)).contains("counted from 1"));
    // `≤` instead of `<`: a tie resets the patience.
    let ties = |losses: &[f64], patience: usize| {
        let (mut best_loss, mut best_epoch) = (f64::INFINITY, 0);
        for (index, &loss) in losses.iter().enumerate() {
            if loss <= best_loss {
                (best_loss, best_epoch) = (loss, index + 1);
            }
            if index + 1 - best_epoch >= patience {
                return EarlyStop {
                    stop_epoch: index + 1,
                    best_epoch,
                };
            }
        }
        EarlyStop {
            stop_epoch: losses.len(),
            best_epoch,
        }
    };
    assert!(mistake(early_stopping(ties)).contains("a tie is not an improvement"));
    // The best epoch of the whole list, including epochs after the stop.
    let hindsight = |losses: &[f64], patience: usize| {
        let stop = solution::early_stopping(losses, patience);
        let best = (0..losses.len())
            .min_by(|&a, &b| losses[a].total_cmp(&losses[b]))
            .map_or(0, |i| i + 1);
        EarlyStop {
            best_epoch: best,
            ..stop
        }
    };
    assert!(mistake(early_stopping(hindsight)).contains("never measured"));
}

/// The library's dropout layer of step `step`, one feature over `m` samples: its mask (0 or
/// `1/(1 − p)` per sample) and its output for `a`.
fn library_dropout(a: &[f64], p: f64, step: u64) -> (Vec<f64>, Vec<f64>) {
    let mut cache = DropoutCache::<f64, 1>::default();
    let layer = Dropout::new(p, 5);
    let output = layer.forward(&Batch::from_row_slice(a), Pass::train(step), &mut cache);
    let output = output.iter().copied().collect();
    (cache.mask.iter().copied().collect(), output)
}

/// The library's forward pass with the mask `r`: the first step whose random mask is `r`.
fn library_forward(a: &[f64], r: &[f64], p: f64) -> Vec<f64> {
    (0..100_000)
        .map(|step| library_dropout(a, p, step))
        .find(|(mask, _)| mask.iter().zip(r).all(|(m, r)| (*m != 0.0) == (*r != 0.0)))
        .expect("some step draws this mask")
        .1
}

/// The library's backward pass, given the forward pass's mask `r/(1 − p)`.
fn library_backward(g: &[f64], r: &[f64], p: f64) -> Vec<f64> {
    let layer = Dropout::new(p, 5);
    let input = Batch::<f64, 1>::zeros(g.len());
    let cache = DropoutCache {
        output: input.clone(),
        mask: Batch::from_row_slice(&times(&vec![1.0; r.len()], r, p, |r, p| r / (1.0 - p))),
    };
    let mut gradient = Batch::zeros(g.len());
    let mut unused = layer;
    layer.backward(
        &input,
        &cache,
        &Batch::from_row_slice(g),
        &mut unused,
        Some(&mut gradient),
    );
    gradient.iter().copied().collect()
}

#[test]
fn the_library_dropout_passes_the_same_checks() {
    let forward = dropout_forward(library_forward);
    assert!(forward.passed(), "{forward:?}");
    let backward = dropout_backward(library_backward, library_forward);
    assert!(backward.passed(), "{backward:?}");
}

/// `add_l2` on a dense layer 3 → 2 whose weights and biases are `theta` (the check's layout:
/// six weights, then two biases).
fn library_l2(theta: &[f64], g: &[f64], is_weight: &[bool], lambda: f64) -> Vec<f64> {
    let layer_of = |values: &[f64]| {
        let mut layer = Dense::<f64, 3, 2>::zeros();
        let mut rest = values;
        layer.visit_mut(&mut |tensor| {
            let (here, after) = rest.split_at(tensor.len());
            tensor.copy_from_slice(here);
            rest = after;
        });
        layer
    };
    let (model, mut gradients) = (layer_of(theta), layer_of(g));
    let weights = weight_slots(&Parameters::<f64>::tensor_specs(&model));
    let mut layout = Vec::new();
    for (slot, spec) in model.tensor_specs().iter().enumerate() {
        layout.extend(std::iter::repeat_n(weights[slot], spec.len()));
    }
    assert_eq!(layout, is_weight, "the check's layout is a dense layer's");
    add_l2(&model, &mut gradients, lambda, &weights);
    let mut flat = Vec::new();
    gradients.visit(&mut |tensor| flat.extend_from_slice(tensor));
    flat
}

#[test]
fn the_library_l2_penalty_passes_the_same_check() {
    let outcome = l2_gradient(library_l2);
    assert!(outcome.passed(), "{outcome:?}");
}

nabla::network! {
    /// A network that can memorize a few noisy samples.
    struct Memorizer: 8 => relu 64 => softmax 3
}

/// `n` random points labelled by the largest of three fixed linear functions, a third of the
/// labels then replaced by random ones: something to learn, and noise to memorize.
fn noisy(n: usize, seed: u64) -> Dataset<f32, 8, 3> {
    let mix: Vec<f32> = (0..24).map(|k| ((k * 7 % 11) as f32 - 5.0) / 5.0).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    let inputs = Batch::<f32, 8>::from_fn(n, |_, _| rng.random_range(-1.0..1.0));
    let labels: Vec<u8> = inputs
        .column_iter()
        .map(|x| {
            if rng.random::<f64>() < 1.0 / 3.0 {
                return rng.random_range(0..3u8);
            }
            let score = |c: usize| (0..8).map(|i| mix[8 * c + i] * x[i]).sum::<f32>();
            (0..3u8)
                .max_by(|&a, &b| score(a.into()).total_cmp(&score(b.into())))
                .unwrap_or(0)
        })
        .collect();
    Dataset::new(inputs, one_hot(&labels))
}

#[test]
fn the_library_early_stopping_stops_and_keeps_as_the_exercise_says() {
    let (train, validation) = (noisy(60, 1), noisy(300, 2));
    let mut rng = StdRng::seed_from_u64(3);
    let mut network = Memorizer::<f32>::new(&mut rng);
    let patience = 4;
    let config = TrainConfig {
        epochs: 40,
        batch_size: 20,
        early_stopping: Some(EarlyStopping {
            validation: &validation,
            patience,
        }),
        ..TrainConfig::default()
    };
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut Adam::new(0.01),
        &train,
        &config,
        &mut rng,
        (),
    )
    .expect("trains");
    let losses: Vec<f64> = reports
        .iter()
        .map(|r| r.validation_loss.expect("measured"))
        .collect();
    assert!(reports.len() < 40, "the run overfits, so it stops early");
    let library = EarlyStop {
        stop_epoch: reports.len(),
        best_epoch: reports.last().and_then(|r| r.best_epoch).expect("kept"),
    };
    assert!(
        library.best_epoch > 1,
        "the validation loss improves before it rises"
    );
    assert_eq!(solution::early_stopping(&losses, patience), library);
}

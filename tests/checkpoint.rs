//! Per-epoch checkpoints: training 2 epochs, stopping, and resuming for 2 more gives exactly the
//! network and reports of 4 epochs straight; optimizer state round-trips; resuming with other
//! settings, or from nothing, is a clear error. The same holds for a network with dropout and
//! batch norm (whose masks follow the step number and whose running averages are saved).

use nabla::checkpoint;
use nabla::data::Dataset;
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network::{Network, Parameters};
use nabla::optim::{Adam, Momentum, Optimizer, OptimizerState};
use nabla::train::{EpochReport, TrainConfig, fit, on_epoch};
use nabla_tests::largest_of_four_sums;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};

nabla::network! {
    /// A small classifier for the synthetic data.
    pub struct Small: 16 => relu 32 => softmax 4
}

nabla::network! {
    /// The same classifier with batch norm and dropout.
    pub struct Regularized: 16 => relu 32 => batchnorm => dropout(0.2) => relu 16 => softmax 4
}

const SEED: u64 = 7;

/// 2,000 samples whose class is the largest of four sums of features.
fn data() -> Dataset<f32, 16, 4> {
    largest_of_four_sums(&mut StdRng::seed_from_u64(1), 2000)
}

fn settings(learning_rate: f64) -> Vec<(String, String)> {
    settings_for(Small::<f32>::ARCHITECTURE, learning_rate)
}

fn settings_for(architecture: &str, learning_rate: f64) -> Vec<(String, String)> {
    vec![
        ("architecture".into(), architecture.into()),
        ("learning_rate".into(), learning_rate.to_string()),
        ("seed".into(), SEED.to_string()),
    ]
}

/// A fresh directory under the target's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("checkpoint-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Trains to `epochs` epochs as the headline run does: from scratch, or from the latest
/// checkpoint in `dir` if `resume`; saving a checkpoint after each epoch if `dir` is given.
fn train(epochs: usize, dir: Option<&Path>, resume: bool) -> (Small<f32>, Vec<EpochReport>) {
    train_network(Small::new, Small::<f32>::ARCHITECTURE, epochs, dir, resume)
}

/// [`train`] for any network on the synthetic data, made by `new` from the seeded generator.
fn train_network<N: Network<f32, 16, 4>>(
    new: impl Fn(&mut StdRng) -> N,
    architecture: &str,
    epochs: usize,
    dir: Option<&Path>,
    resume: bool,
) -> (N, Vec<EpochReport>) {
    let data = data();
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut network = new(&mut rng);
    let mut optimizer = Adam::new(1e-2);
    let settings = settings_for(architecture, 1e-2);
    let mut done = 0;
    if let (Some(dir), true) = (dir, resume) {
        done = checkpoint::load_latest(dir, &mut network, &mut optimizer, &settings).unwrap();
        checkpoint::replay_shuffles(&mut rng, data.len(), done);
    }
    let config = TrainConfig {
        epochs,
        batch_size: 32,
        epochs_done: done,
        test: Some(&data),
        ..TrainConfig::default()
    };
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut optimizer,
        &data,
        &config,
        &mut rng,
        on_epoch(|report, network, optimizer| match dir {
            Some(dir) => checkpoint::save(dir, report.epoch, network, optimizer, &settings),
            None => Ok(()),
        }),
    )
    .unwrap();
    (network, reports)
}

/// Every parameter and buffer, as bits.
fn numbers(network: &impl Parameters<f32>) -> Vec<u32> {
    let mut all = Vec::new();
    network.visit(&mut |tensor| all.extend(tensor.iter().map(|x| x.to_bits())));
    network.visit_buffers(&mut |tensor| all.extend(tensor.iter().map(|x| x.to_bits())));
    all
}

#[test]
fn resuming_gives_exactly_the_uninterrupted_run() {
    let (straight, straight_reports) = train(4, None, false);
    let dir = scratch("resume");
    let (_, first) = train(2, Some(&dir), false);
    assert_eq!(checkpoint::latest(&dir).unwrap(), 2);
    let (resumed, second) = train(4, Some(&dir), true);
    assert_eq!(
        numbers(&resumed),
        numbers(&straight),
        "bit-identical parameters"
    );
    let epochs: Vec<usize> = first.iter().chain(&second).map(|r| r.epoch).collect();
    assert_eq!(epochs, [1, 2, 3, 4]);
    for (split, whole) in first.iter().chain(&second).zip(&straight_reports) {
        assert_eq!(split.mean_loss.to_bits(), whole.mean_loss.to_bits());
        assert_eq!(split.train_accuracy, whole.train_accuracy);
        assert_eq!(split.test_accuracy, whole.test_accuracy);
    }
    assert_eq!(checkpoint::latest(&dir).unwrap(), 4);
}

#[test]
fn resuming_a_network_with_dropout_and_batchnorm_gives_exactly_the_uninterrupted_run() {
    let architecture = Regularized::<f32>::ARCHITECTURE;
    let (straight, straight_reports) =
        train_network(Regularized::new, architecture, 4, None, false);
    let dir = scratch("resume-regularized");
    let (_, first) = train_network(Regularized::new, architecture, 2, Some(&dir), false);
    let (resumed, second) = train_network(Regularized::new, architecture, 4, Some(&dir), true);
    assert_eq!(
        numbers(&resumed),
        numbers(&straight),
        "bit-identical parameters and running averages"
    );
    assert_eq!(resumed.dropout1, straight.dropout1);
    for (split, whole) in first.iter().chain(&second).zip(&straight_reports) {
        assert_eq!(split.mean_loss.to_bits(), whole.mean_loss.to_bits());
        assert_eq!(split.train_accuracy, whole.train_accuracy);
        assert_eq!(split.test_accuracy, whole.test_accuracy);
    }
    // Training moved the running averages away from their start (mean 0, variance 1).
    assert_ne!(straight.norm1, nabla::batchnorm::BatchNorm::new());
}

#[test]
fn saving_and_loading_keeps_batch_norm_running_averages() {
    let (trained, _) = train_network(
        Regularized::new,
        Regularized::<f32>::ARCHITECTURE,
        1,
        None,
        false,
    );
    let dir = scratch("batchnorm-buffers");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.safetensors");
    nabla::model_file::save(&path, &trained).unwrap();
    let loaded = nabla::model_file::load(&path, &Regularized::<f32>::zeros()).unwrap();
    assert_eq!(loaded.norm1.running_mean, trained.norm1.running_mean);
    assert_eq!(loaded.norm1.running_var, trained.norm1.running_var);
    assert_eq!(numbers(&loaded), numbers(&trained));
    // And so the loaded network infers exactly as the trained one.
    let inputs = data().inputs;
    assert_eq!(loaded.forward(&inputs), trained.forward(&inputs));
}

/// Takes a few steps so that the optimizer has state worth saving.
fn stepped<O: Optimizer<f32>>(mut optimizer: O) -> O {
    let mut rng = StdRng::seed_from_u64(3);
    let mut network = Small::<f32>::new(&mut rng);
    for _ in 0..3 {
        let mut gradients = network.zeros_like();
        gradients.visit_mut(&mut |g| g.iter_mut().for_each(|g| *g = rng.random_range(-1.0..1.0)));
        optimizer.step(&mut network, &gradients);
    }
    optimizer
}

fn round_trip<O: Optimizer<f32>>(optimizer: &O, fresh: &mut O, name: &str) -> OptimizerState<f32> {
    let dir = scratch(name);
    let network = Small::<f32>::zeros();
    checkpoint::save(&dir, 1, &network, optimizer, &settings(0.1)).unwrap();
    let mut loaded = Small::<f32>::new(&mut StdRng::seed_from_u64(0));
    assert_eq!(
        checkpoint::load_latest(&dir, &mut loaded, fresh, &settings(0.1)).unwrap(),
        1
    );
    assert_eq!(numbers(&loaded), numbers(&network));
    fresh.state()
}

#[test]
fn adam_state_round_trips() {
    let adam = stepped(Adam::<f32>::new(0.1));
    let state = adam.state();
    assert_eq!(state.steps, 3);
    assert_eq!(state.buffers.len(), 2);
    assert_eq!(state.buffers[0].1.len(), 4, "one vector per tensor");
    let mut fresh = Adam::new(0.1);
    assert_eq!(round_trip(&adam, &mut fresh, "adam"), state);
    assert_eq!(fresh.steps(), 3);
}

#[test]
fn momentum_state_round_trips() {
    let momentum = stepped(Momentum::<f32>::new(0.1, 0.9));
    let state = momentum.state();
    assert_eq!(state.buffers[0].0, "velocity");
    assert!(state.buffers[0].1.iter().flatten().any(|&v| v != 0.0));
    let mut fresh = Momentum::new(0.1, 0.9);
    assert_eq!(round_trip(&momentum, &mut fresh, "momentum"), state);
}

#[test]
fn resuming_with_other_settings_names_the_difference() {
    let dir = scratch("mismatch");
    let network = Small::<f32>::zeros();
    checkpoint::save(&dir, 3, &network, &Adam::<f32>::new(0.1), &settings(0.1)).unwrap();
    let mut loaded = Small::<f32>::zeros();
    let error = checkpoint::load_latest(&dir, &mut loaded, &mut Adam::new(0.2), &settings(0.2))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("saved with learning_rate 0.1, but this run has learning_rate 0.2"),
        "{error}"
    );
    assert!(error.contains("epoch-003.optimizer.safetensors"), "{error}");
}

#[test]
fn resuming_from_a_missing_or_empty_directory_is_an_error() {
    let dir = scratch("missing");
    let mut network = Small::<f32>::zeros();
    let mut adam = Adam::new(0.1);
    let error = checkpoint::load_latest(&dir, &mut network, &mut adam, &settings(0.1))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("cannot read the checkpoint directory"),
        "{error}"
    );
    std::fs::create_dir_all(&dir).unwrap();
    let error = checkpoint::load_latest(&dir, &mut network, &mut adam, &settings(0.1))
        .unwrap_err()
        .to_string();
    assert!(error.contains("holds no checkpoint"), "{error}");
}

#[test]
fn a_corrupt_checkpoint_gives_the_model_file_error() {
    let dir = scratch("corrupt");
    let network = Small::<f32>::zeros();
    checkpoint::save(&dir, 1, &network, &Adam::<f32>::new(0.1), &settings(0.1)).unwrap();
    let path = checkpoint::model_path(&dir, 1);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 4]).unwrap();
    let error = checkpoint::load_latest(
        &dir,
        &mut Small::<f32>::zeros(),
        &mut Adam::new(0.1),
        &settings(0.1),
    )
    .unwrap_err();
    assert!(matches!(error, nabla::Error::ModelFile(_)), "{error}");
}

// Item: the rule of `model_file::save` (a symlink's file is written, anything else that is not
// a regular file is refused) holds for checkpoint files too, and is checked before training.

#[cfg(unix)]
#[test]
fn a_fifo_in_the_checkpoint_directory_is_refused_before_training() {
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch("fifo");
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = checkpoint::model_path(&dir, 2);
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(status) if status.success() => {}
        outcome => {
            eprintln!("skipped: mkfifo is unavailable ({outcome:?})");
            return;
        }
    }
    let expected = format!(
        "cannot save model file {}: it is a FIFO (named pipe), not a regular file",
        fifo.display()
    );
    let error = checkpoint::prepare(&dir, 1..=3).unwrap_err();
    assert!(matches!(error, nabla::Error::ModelFile(_)), "{error}");
    assert_eq!(error.to_string(), expected);
    let (network, adam) = (Small::<f32>::zeros(), Adam::<f32>::new(0.1));
    checkpoint::save(&dir, 1, &network, &adam, &settings(0.1)).unwrap();
    let error = checkpoint::save(&dir, 2, &network, &adam, &settings(0.1)).unwrap_err();
    assert_eq!(error.to_string(), expected);
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was not replaced");
}

#[cfg(unix)]
#[test]
fn a_symlinked_checkpoint_file_is_written_through() {
    let dir = scratch("symlink");
    let elsewhere = scratch("symlink-elsewhere");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let real = elsewhere.join("model.safetensors");
    std::os::unix::fs::symlink(&real, checkpoint::model_path(&dir, 1)).unwrap();
    let targets = checkpoint::prepare(&dir, 1..=1).unwrap();
    let paths: Vec<_> = targets
        .iter()
        .map(|t| (t.file.clone(), t.followed_symlink))
        .collect();
    assert_eq!(
        paths,
        [
            (checkpoint::optimizer_path(&dir, 1), false),
            (real.clone(), true)
        ]
    );
    let network = Small::<f32>::new(&mut StdRng::seed_from_u64(1));
    checkpoint::save(&dir, 1, &network, &Adam::<f32>::new(0.1), &settings(0.1)).unwrap();
    assert!(
        std::fs::symlink_metadata(checkpoint::model_path(&dir, 1))
            .unwrap()
            .is_symlink()
    );
    let mut loaded = Small::<f32>::zeros();
    checkpoint::load_latest(&dir, &mut loaded, &mut Adam::new(0.1), &settings(0.1)).unwrap();
    assert_eq!(numbers(&loaded), numbers(&network));
    assert!(real.is_file());
}

// Item: killed runs left `.tmp` files that nothing removed.

#[test]
fn remove_unfinished_removes_only_the_temporary_files_of_saves() {
    let dir = scratch("unfinished");
    let network = Small::<f32>::zeros();
    checkpoint::save(&dir, 1, &network, &Adam::<f32>::new(0.1), &settings(0.1)).unwrap();
    // What a run killed while saving epoch 2 leaves: temporary files named as a save names them
    // (`.NAME.PID-N.tmp`), which nothing else removes and `latest` ignores.
    let leftovers = [
        ".epoch-002.optimizer.safetensors.4711-2.tmp",
        ".epoch-002.safetensors.4711-3.tmp",
    ];
    // Files that only look like them, which must stay.
    let others = [
        ".epoch-002.safetensors.tmp",
        ".epoch-002.safetensors.4711.tmp",
        "epoch-002.safetensors.4711-3.tmp",
        ".notes.safetensors.4711-3.tmp",
        ".epoch-002.safetensors.4711-3.tmp.bak",
    ];
    for name in leftovers.iter().chain(&others) {
        std::fs::write(dir.join(name), b"half a file").unwrap();
    }
    std::fs::create_dir(dir.join(".epoch-003.safetensors.1-0.tmp")).unwrap();
    assert_eq!(checkpoint::latest(&dir).unwrap(), 1);
    assert_eq!(checkpoint::remove_unfinished(&dir).unwrap(), 2);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = others.iter().map(|name| name.to_string()).collect();
    expected.extend([
        ".epoch-003.safetensors.1-0.tmp".to_string(),
        "epoch-001.optimizer.safetensors".to_string(),
        "epoch-001.safetensors".to_string(),
    ]);
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(checkpoint::remove_unfinished(&dir).unwrap(), 0);
    assert_eq!(
        checkpoint::remove_unfinished(&dir.join("absent")).unwrap(),
        0
    );
}

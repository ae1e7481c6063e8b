//! Optimizers on problems whose answer is known, and short seeded training runs.

use chapters::hand_wired::Mlp;
use nabla::Batch;
use nabla::batch::one_hot;
use nabla::data::Dataset;
use nabla::data::mnist::{self, PIXELS, RawDigits};
use nabla::loss::{MeanSquaredError, SoftmaxCrossEntropy};
use nabla::network::Parameters;
use nabla::optim::{Adam, Momentum, Optimizer, Sgd};
use nabla::train::{TrainConfig, accuracy, fit, on_epoch};
use nabla_tests::{Tensors, seeded};
use rand::Rng;
use std::time::Instant;

/// The bowl `C(θ) = ½ Σᵢ aᵢ (θᵢ − cᵢ)²`, spread over two tensors (so optimizers keep per-tensor
/// state apart): minimum 0 at θ = c, gradient `aᵢ (θᵢ − cᵢ)`.
struct Quadratic {
    curvature: Tensors,
    center: Tensors,
}

impl Quadratic {
    fn new() -> Self {
        Self {
            curvature: Tensors(vec![vec![1.0, 4.0, 0.5], vec![2.0, 0.8]]),
            center: Tensors(vec![vec![3.0, -1.0, 0.5], vec![-2.0, 1.5]]),
        }
    }

    fn start(&self) -> Tensors {
        self.center.zeros_like()
    }

    fn value(&self, theta: &Tensors) -> f64 {
        let mut sum = 0.0;
        for ((t, a), c) in theta.0.iter().zip(&self.curvature.0).zip(&self.center.0) {
            for ((t, a), c) in t.iter().zip(a).zip(c) {
                sum += 0.5 * a * (t - c) * (t - c);
            }
        }
        sum
    }

    fn gradient(&self, theta: &Tensors) -> Tensors {
        let mut gradient = theta.clone();
        for ((g, a), c) in gradient
            .0
            .iter_mut()
            .zip(&self.curvature.0)
            .zip(&self.center.0)
        {
            for ((g, a), c) in g.iter_mut().zip(a).zip(c) {
                *g = a * (*g - c);
            }
        }
        gradient
    }

    /// Runs `steps` optimizer steps from θ = 0; returns the final θ.
    fn minimize(&self, optimizer: &mut impl Optimizer<f64>, steps: usize) -> Tensors {
        let mut theta = self.start();
        for _ in 0..steps {
            let gradient = self.gradient(&theta);
            optimizer.step(&mut theta, &gradient);
        }
        theta
    }

    fn assert_minimized(&self, name: &str, theta: &Tensors) {
        let (start, end) = (self.value(&self.start()), self.value(theta));
        assert!(end < 1e-6 * start, "{name}: loss {start} → {end}");
        let distance = theta
            .0
            .iter()
            .flatten()
            .zip(self.center.0.iter().flatten())
            .map(|(t, c)| (t - c).abs())
            .fold(0.0, f64::max);
        assert!(
            distance < 1e-2,
            "{name}: {distance} from the minimum: {theta:?}"
        );
    }
}

#[test]
fn sgd_minimizes_a_quadratic() {
    let bowl = Quadratic::new();
    let theta = bowl.minimize(&mut Sgd::new(0.2), 300);
    bowl.assert_minimized("SGD", &theta);
}

#[test]
fn momentum_minimizes_a_quadratic() {
    let bowl = Quadratic::new();
    let theta = bowl.minimize(&mut Momentum::new(0.05, 0.9), 300);
    bowl.assert_minimized("momentum", &theta);
}

#[test]
fn adam_minimizes_a_quadratic() {
    let bowl = Quadratic::new();
    let theta = bowl.minimize(&mut Adam::new(0.05), 1000);
    bowl.assert_minimized("Adam", &theta);
}

#[test]
fn sgd_step_is_learning_rate_times_gradient() {
    // θ ← θ − η ∇C.
    let mut theta = Tensors(vec![vec![1.0, -2.0], vec![0.5]]);
    let gradient = Tensors(vec![vec![0.3, -4.0], vec![10.0]]);
    Sgd::new(0.1).step(&mut theta, &gradient);
    let expected = [1.0 - 0.03, -2.0 + 0.4, 0.5 - 1.0];
    for (t, e) in theta.0.iter().flatten().zip(expected) {
        assert!((t - e).abs() < 1e-15, "{t} vs {e}");
    }
}

#[test]
fn momentum_velocity_accumulates_gradients() {
    // v ← μ v + g, θ ← θ − η v: after gradients g₁ then g₂ the second step is η (μ g₁ + g₂).
    let (eta, mu) = (0.1, 0.9);
    let mut optimizer = Momentum::new(eta, mu);
    let mut theta = Tensors(vec![vec![0.0, 0.0]]);
    let g1 = Tensors(vec![vec![1.0, -2.0]]);
    let g2 = Tensors(vec![vec![0.5, 3.0]]);
    optimizer.step(&mut theta, &g1);
    let after_first = theta.clone();
    optimizer.step(&mut theta, &g2);
    for i in 0..2 {
        let (g1, g2) = (g1.0[0][i], g2.0[0][i]);
        assert!((after_first.0[0][i] - (-eta * g1)).abs() < 1e-15);
        let second_step = after_first.0[0][i] - theta.0[0][i];
        assert!(
            (second_step - eta * (mu * g1 + g2)).abs() < 1e-15,
            "entry {i}"
        );
    }
}

#[test]
fn adam_first_step_moves_each_parameter_by_the_learning_rate() {
    // After bias correction, m̂₁ = g and v̂₁ = g², so the first step is η g / (|g| + ε) ≈ η sign(g)
    // whatever the gradient's scale: the reason for the correction (without it the step would be
    // η (1 − β₁) / √(1 − β₂) ≈ 3.2 η).
    let eta = 1e-3;
    let scales = [1e-4, -1e-2, 1.0, -3.0, 1e2, -1e4];
    let mut theta = Tensors(vec![scales.to_vec(), vec![0.7, 0.7]]);
    let before = theta.clone();
    let gradient = Tensors(vec![scales.to_vec(), vec![5e-3, -5e3]]);
    let mut adam = Adam::new(eta);
    adam.step(&mut theta, &gradient);
    assert_eq!(adam.steps(), 1);
    for ((after, before), g) in theta
        .0
        .iter()
        .flatten()
        .zip(before.0.iter().flatten())
        .zip(gradient.0.iter().flatten())
    {
        let step = before - after;
        assert!(
            (step - eta * g.signum()).abs() < 1e-4 * eta,
            "gradient {g}: step {step}, expected ±{eta}"
        );
    }
}

/// Adam as the paper writes it, with explicit bias-corrected moments, for one tensor.
struct TextbookAdam {
    eta: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

impl TextbookAdam {
    fn step(&mut self, theta: &mut [f64], gradient: &[f64]) {
        let (beta1, beta2, epsilon) = (0.9f64, 0.999f64, 1e-8);
        self.t += 1;
        for i in 0..theta.len() {
            self.m[i] = beta1 * self.m[i] + (1.0 - beta1) * gradient[i];
            self.v[i] = beta2 * self.v[i] + (1.0 - beta2) * gradient[i] * gradient[i];
            let m_hat = self.m[i] / (1.0 - beta1.powi(self.t));
            let v_hat = self.v[i] / (1.0 - beta2.powi(self.t));
            theta[i] -= self.eta * m_hat / (v_hat.sqrt() + epsilon);
        }
    }
}

#[test]
fn adam_matches_the_bias_corrected_textbook_update() {
    let mut rng = seeded(30);
    let start: Vec<f64> = (0..6).map(|_| rng.random_range(-1.0..1.0)).collect();
    let mut theta = Tensors(vec![start.clone()]);
    let mut reference = start;
    let mut adam = Adam::new(0.01);
    let mut textbook = TextbookAdam {
        eta: 0.01,
        m: vec![0.0; 6],
        v: vec![0.0; 6],
        t: 0,
    };
    for _ in 0..20 {
        // Gradients of varying sign and scale, including tiny ones where ε matters.
        let gradient: Vec<f64> = (0..6)
            .map(|i| rng.random_range(-1.0..1.0) * 10f64.powi(i - 8))
            .collect();
        adam.step(&mut theta, &Tensors(vec![gradient.clone()]));
        textbook.step(&mut reference, &gradient);
    }
    for (a, b) in theta.0[0].iter().zip(&reference) {
        assert!((a - b).abs() < 1e-12, "{a} vs textbook {b}");
    }
}

/// The first `count` images of `raw`.
fn first(raw: &RawDigits, count: usize) -> RawDigits {
    RawDigits {
        pixels: raw.pixels[..count * PIXELS].to_vec(),
        labels: raw.labels[..count].to_vec(),
    }
}

/// Every tenth image of `raw`: a sample spread evenly over the whole file. (The test file is not
/// shuffled: its first thousand digits are harder than average, its middle ones easier.)
fn every_tenth(raw: &RawDigits) -> RawDigits {
    let mut sample = RawDigits {
        pixels: Vec::new(),
        labels: Vec::new(),
    };
    for image in (0..raw.len()).step_by(10) {
        sample
            .pixels
            .extend_from_slice(&raw.pixels[image * PIXELS..(image + 1) * PIXELS]);
        sample.labels.push(raw.labels[image]);
    }
    sample
}

/// `raw` followed by four copies of it moved by one pixel (up, down, left, right; the edge that
/// comes in is blank). The label of a digit does not change when it moves, so this is five
/// times the training data for free.
fn with_one_pixel_shifts(raw: &RawDigits) -> RawDigits {
    let mut augmented = raw.clone();
    for (down, right) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
        for (image, &label) in raw.pixels.chunks_exact(PIXELS).zip(&raw.labels) {
            for row in 0..28_isize {
                for column in 0..28_isize {
                    let (from_row, from_column) = (row - down, column - right);
                    let inside = (0..28).contains(&from_row) && (0..28).contains(&from_column);
                    let pixel = if inside {
                        image[(from_row * 28 + from_column) as usize]
                    } else {
                        0
                    };
                    augmented.pixels.push(pixel);
                }
            }
            augmented.labels.push(label);
        }
    }
    augmented
}

#[test]
fn one_pixel_shift_moves_the_ink() {
    let mut digit = RawDigits {
        pixels: vec![0; PIXELS],
        labels: vec![3],
    };
    digit.pixels[5 * 28 + 7] = 200;
    let augmented = with_one_pixel_shifts(&digit);
    assert_eq!(augmented.labels, vec![3; 5]);
    let ink: Vec<usize> = augmented
        .pixels
        .chunks_exact(PIXELS)
        .map(|image| image.iter().position(|&p| p == 200).expect("the ink stays"))
        .collect();
    assert_eq!(
        ink,
        [5 * 28 + 7, 4 * 28 + 7, 6 * 28 + 7, 5 * 28 + 6, 5 * 28 + 8]
    );
}

#[test]
fn mlp_reaches_90_percent_on_held_out_digits_after_training_on_2000() {
    let dir = mnist::default_dir();
    let train = mnist::load_split(
        &dir.join("train-images-idx3-ubyte.gz"),
        &dir.join("train-labels-idx1-ubyte.gz"),
    )
    .expect("MNIST training files");
    let test = mnist::load_split(
        &dir.join("t10k-images-idx3-ubyte.gz"),
        &dir.join("t10k-labels-idx1-ubyte.gz"),
    )
    .expect("MNIST test files");
    // 2,000 training digits alone take this network to about 89% on held-out digits; their
    // one-pixel shifts take it past 92%.
    let train = with_one_pixel_shifts(&first(&train, 2000)).to_dataset::<f32>();
    let test = every_tenth(&test).to_dataset::<f32>();
    assert_eq!((train.len(), test.len()), (10_000, 1000));

    let started = Instant::now();
    let mut rng = seeded(1);
    let mut network = Mlp::<f32, PIXELS, 64, 10>::new(&mut rng);
    let untrained = accuracy(&network, &test);
    let config = TrainConfig {
        epochs: 8,
        batch_size: 32,
        ..TrainConfig::default()
    };
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut Adam::new(1e-3),
        &train,
        &config,
        &mut rng,
        (),
    )
    .expect("training does not diverge");
    let held_out = accuracy(&network, &test);
    let seconds = started.elapsed().as_secs_f64();

    assert_eq!(reports.len(), 8);
    assert!(untrained < 0.3, "untrained accuracy {untrained}");
    assert!(
        held_out >= 0.90,
        "held-out accuracy {held_out}: {reports:#?}"
    );
    let (first_loss, last_loss) = (reports[0].mean_loss, reports[7].mean_loss);
    assert!(
        last_loss < 0.5 * first_loss,
        "the loss fell from {first_loss} to only {last_loss}"
    );
    eprintln!(
        "8 epochs on 2,000 digits and their shifts in {seconds:.2} s: {held_out:.3} held out"
    );
}

/// 120 random 4-feature samples in 3 random classes.
fn noise_dataset(rng: &mut impl Rng) -> Dataset<f32, 4, 3> {
    let inputs = Batch::from_fn(120, |_, _| rng.random_range(0.0..1.0));
    let labels: Vec<u8> = (0..120).map(|_| rng.random_range(0..3)).collect();
    Dataset::new(inputs, one_hot(&labels))
}

#[test]
fn absurd_learning_rate_diverges_with_a_helpful_error() {
    let mut rng = seeded(40);
    let data = noise_dataset(&mut rng);
    let mut network = Mlp::<f32, 4, 8, 3>::new(&mut rng);
    let config = TrainConfig {
        epochs: 3,
        batch_size: 10,
        ..TrainConfig::default()
    };
    let learning_rate = 1e30;
    let mut epochs_seen = 0;
    let error = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut Sgd::new(learning_rate),
        &data,
        &config,
        &mut rng,
        on_epoch(|_, _, _| {
            epochs_seen += 1;
            Ok(())
        }),
    )
    .expect_err("a learning rate of 1e30 must blow up");
    let nabla::Error::Diverged {
        epoch,
        batch,
        loss,
        learning_rate: reported,
        suggestion,
    } = error
    else {
        panic!("expected Diverged, got {error:?}");
    };
    assert_eq!(epoch, 1, "it blows up in the first epoch");
    assert_eq!(epochs_seen, 0, "no epoch completed");
    // The first batch's loss is computed before any step, so it is finite.
    assert!((2..=12).contains(&batch), "batch {batch}");
    assert!(!loss.is_finite());
    assert_eq!(reported, learning_rate);
    assert!(suggestion < learning_rate && suggestion > 0.0);
    let message = error.to_string();
    for phrase in [
        format!("epoch {epoch}"),
        format!("batch {batch}"),
        "smaller".to_string(),
        nabla::error::short_number(suggestion),
    ] {
        assert!(
            message.contains(&phrase),
            "{phrase:?} missing from: {message}"
        );
    }
}

#[test]
fn a_loss_that_overflows_to_infinity_is_divergence_too() {
    // Mean squared error has no logarithm to turn overflow into NaN: once the outputs pass
    // ~1.8e19, their squares overflow f32 and the loss is +∞ while the weights are still finite.
    let mut rng = seeded(42);
    let data = noise_dataset(&mut rng);
    let mut network = Mlp::<f32, 4, 8, 3>::new(&mut rng);
    let config = TrainConfig {
        epochs: 50,
        batch_size: 10,
        ..TrainConfig::default()
    };
    let error = fit(
        &mut network,
        &MeanSquaredError,
        &mut Sgd::new(1e3),
        &data,
        &config,
        &mut rng,
        (),
    )
    .expect_err("a learning rate of 1e3 makes the outputs grow without bound");
    let nabla::Error::Diverged { loss, .. } = error else {
        panic!("expected Diverged, got {error:?}");
    };
    assert_eq!(loss, f64::INFINITY);
    assert!(error.to_string().contains("the loss became inf"), "{error}");
}

#[test]
fn moderate_learning_rate_does_not_diverge_on_the_same_data() {
    // The control for the test above: same data and network, a sane learning rate.
    let mut rng = seeded(40);
    let data = noise_dataset(&mut rng);
    let mut network = Mlp::<f32, 4, 8, 3>::new(&mut rng);
    let config = TrainConfig {
        epochs: 3,
        batch_size: 10,
        ..TrainConfig::default()
    };
    let reports = fit(
        &mut network,
        &SoftmaxCrossEntropy,
        &mut Sgd::new(0.1),
        &data,
        &config,
        &mut rng,
        (),
    )
    .expect("SGD with η = 0.1 trains");
    assert!(reports.iter().all(|r| r.mean_loss.is_finite()));
}

#[test]
fn unusable_settings_are_errors() {
    let mut rng = seeded(41);
    let data = noise_dataset(&mut rng);
    let mut network = Mlp::<f32, 4, 8, 3>::new(&mut rng);
    let mut train = |data: &Dataset<f32, 4, 3>, batch_size| {
        let config = TrainConfig {
            epochs: 1,
            batch_size,
            ..TrainConfig::default()
        };
        let optimizer = &mut Sgd::new(0.1);
        fit(
            &mut network,
            &SoftmaxCrossEntropy,
            optimizer,
            data,
            &config,
            &mut seeded(1),
            (),
        )
    };
    let error = train(&data, 0).expect_err("batch size 0");
    assert!(
        matches!(error, nabla::Error::InvalidSetting(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("batch size"), "{error}");
    let error = train(&data.take(0), 10).expect_err("no training data");
    assert!(
        matches!(error, nabla::Error::InvalidSetting(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("empty"), "{error}");
}

/// An epoch report with this loss and training accuracy.
fn report(mean_loss: f64, train_accuracy: f64) -> nabla::train::EpochReport {
    nabla::train::EpochReport {
        epoch: 1,
        mean_loss,
        train_accuracy,
        test_accuracy: Some(train_accuracy),
        validation_loss: None,
        best_epoch: None,
        seconds: 1.0,
        samples_per_second: 60_000.0,
    }
}

#[test]
fn a_headline_run_that_blew_up_or_learns_nothing_stops_with_a_rate_that_works() {
    use chapters::headline::{OptimizerChoice, RunConfig, good_learning_rate, progress_problem};
    let config = |optimizer, learning_rate| RunConfig {
        optimizer,
        learning_rate,
        ..RunConfig::default()
    };
    // What the first epoch printed for `--optimizer sgd --lr 10` and `--lr 1e9` (Adam), which
    // used to end "successfully" at 10% test accuracy.
    let sgd = progress_problem(&report(5.4064, 0.1039), &config(OptimizerChoice::Sgd, 10.0))
        .expect("stopped");
    assert!(
        sgd.contains("loss rose to 5.4064") && sgd.ends_with("try --lr 0.1"),
        "{sgd}"
    );
    let adam = progress_problem(&report(1.4e19, 0.1099), &config(OptimizerChoice::Adam, 1e9))
        .expect("stopped");
    assert!(
        adam.ends_with("too large for adam; try --lr 0.001"),
        "{adam}"
    );
    // Far too small a rate: at chance with the loss of an even guess.
    let slow = progress_problem(&report(2.3889, 0.1171), &config(OptimizerChoice::Sgd, 1e-7))
        .expect("stopped");
    assert!(
        slow.contains("may be too small for sgd; try --lr 0.1"),
        "{slow}"
    );
    // A healthy first epoch, and the rates the messages suggest, measured to train well.
    assert_eq!(
        progress_problem(&report(0.3057, 0.914), &RunConfig::default()),
        None
    );
    assert_eq!(
        good_learning_rate(OptimizerChoice::Adam),
        RunConfig::default().learning_rate
    );
}

#[test]
fn counts_are_grouped_and_singular_when_one() {
    use chapters::headline::count;
    assert_eq!(count(1, "epoch", "epochs"), "1 epoch");
    assert_eq!(count(10, "epoch", "epochs"), "10 epochs");
    assert_eq!(
        count(10_000, "test image", "test images"),
        "10,000 test images"
    );
    assert_eq!(count(60_000_000, "x", "xs"), "60,000,000 xs");
    assert_eq!(count(0, "time", "times"), "0 times");
}

#[test]
fn the_data_digest_follows_the_bytes_not_the_directory() {
    use chapters::headline::data_digest;
    let base = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("data-digest");
    let dirs = [base.join("a"), base.join("b"), base.join("c")];
    for (dir, content) in dirs.iter().zip([b"same", b"same", b"diff"]) {
        std::fs::create_dir_all(dir).unwrap();
        for name in mnist::FILES {
            std::fs::write(dir.join(name), content).unwrap();
        }
    }
    let [a, b, c] = dirs.map(|dir| data_digest(&dir).unwrap());
    assert_eq!(a, b);
    assert_ne!(a, c);
    let missing = data_digest(&base.join("none")).unwrap_err().to_string();
    assert!(missing.contains("train-images-idx3-ubyte.gz"), "{missing}");
}

#[test]
fn every_optimizer_the_command_line_offers_trains_at_its_suggested_rate() {
    use chapters::headline::{OptimizerChoice, good_learning_rate};
    nabla::network! {
        /// A small classifier of four features' largest sum.
        struct Small: 16 => relu 32 => softmax 4
    }
    let data = nabla_tests::largest_of_four_sums(&mut seeded(3), 1000);
    let choices = [
        OptimizerChoice::Sgd,
        OptimizerChoice::Momentum,
        OptimizerChoice::Nesterov,
        OptimizerChoice::AdaGrad,
        OptimizerChoice::RmsProp,
        OptimizerChoice::Adam,
        OptimizerChoice::AdamW { weight_decay: 0.01 },
    ];
    for choice in choices {
        let mut rng = seeded(4);
        let mut network = Small::<f32>::new(&mut rng);
        let mut optimizer = choice.build(good_learning_rate(choice));
        let config = TrainConfig {
            epochs: 20,
            batch_size: 32,
            ..TrainConfig::default()
        };
        let reports = fit(
            &mut network,
            &SoftmaxCrossEntropy,
            &mut optimizer,
            &data,
            &config,
            &mut rng,
            (),
        )
        .expect("trains");
        let (first, last) = (reports[0].mean_loss, reports[19].mean_loss);
        assert!(
            last < 0.6 * first,
            "{}: loss {first} → {last}",
            choice.name()
        );
        assert!(
            reports[19].train_accuracy > 0.8,
            "{}: {:?}",
            choice.name(),
            reports[19]
        );
    }
}

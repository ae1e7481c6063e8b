//! Nesterov momentum, AdaGrad, RMSProp and AdamW: one step against hand-worked numbers, a
//! quadratic bowl minimized, AdamW's decay confined to weights and different from an L2
//! penalty, and state that round-trips so a resumed run continues bit for bit.

use nabla::network::{Parameters, TensorSpec};
use nabla::optim::{AdaGrad, Adam, AdamW, Nesterov, Optimizer, RmsProp};
use rand::SeedableRng;
use rand::rngs::StdRng;

nabla::network! {
    /// Dense weights, biases, and batch norm's γ and β, for AdamW's choice of what to decay.
    pub struct Normalized: 3 => relu 4 => batchnorm => softmax 2
}

/// Tensors with shapes: `[1, 3]` is a weight matrix (two dimensions), `[2]` a bias.
#[derive(Clone, Debug, PartialEq)]
struct Shaped {
    tensors: Vec<Vec<f64>>,
    shapes: Vec<Vec<usize>>,
}

impl Shaped {
    fn new(tensors: Vec<Vec<f64>>, shapes: Vec<Vec<usize>>) -> Self {
        for (t, s) in tensors.iter().zip(&shapes) {
            assert_eq!(t.len(), s.iter().product::<usize>());
        }
        Self { tensors, shapes }
    }

    fn flat(&self) -> Vec<f64> {
        self.tensors.iter().flatten().copied().collect()
    }
}

impl Parameters<f64> for Shaped {
    fn zeros_like(&self) -> Self {
        let tensors = self.tensors.iter().map(|t| vec![0.0; t.len()]).collect();
        Self::new(tensors, self.shapes.clone())
    }

    fn tensor_specs(&self) -> Vec<TensorSpec> {
        (self.shapes.iter().enumerate())
            .map(|(i, shape)| TensorSpec::new(format!("tensor{i}"), shape.clone()))
            .collect()
    }

    fn visit(&self, visit: &mut dyn FnMut(&[f64])) {
        self.tensors.iter().for_each(|t| visit(t));
    }

    fn visit_mut(&mut self, visit: &mut dyn FnMut(&mut [f64])) {
        self.tensors.iter_mut().for_each(|t| visit(t));
    }

    fn visit_with(&mut self, other: &Self, visit: &mut dyn FnMut(&mut [f64], &[f64])) {
        assert_eq!(self.tensors.len(), other.tensors.len());
        for (mine, theirs) in self.tensors.iter_mut().zip(&other.tensors) {
            visit(mine, theirs);
        }
    }
}

/// The bowl `C(θ) = ½ Σᵢ aᵢ (θᵢ − cᵢ)²` (as in `training.rs`) over a `[1, 3]` weight and a `[2]`
/// bias: minimum 0 at θ = c, gradient `aᵢ (θᵢ − cᵢ)`.
struct Quadratic {
    curvature: Vec<f64>,
    center: Vec<f64>,
}

impl Quadratic {
    fn new() -> Self {
        Self {
            curvature: vec![1.0, 4.0, 0.5, 2.0, 0.8],
            center: vec![3.0, -1.0, 0.5, -2.0, 1.5],
        }
    }

    fn start(&self) -> Shaped {
        Shaped::new(vec![vec![0.0; 3], vec![0.0; 2]], vec![vec![1, 3], vec![2]])
    }

    fn value(&self, theta: &Shaped) -> f64 {
        (theta.flat().iter().zip(&self.curvature).zip(&self.center))
            .map(|((t, a), c)| 0.5 * a * (t - c) * (t - c))
            .sum()
    }

    /// The bowl's gradient plus `l2 θ` (the gradient of an added penalty `½ l2 ‖θ‖²`).
    fn gradient_with_l2(&self, theta: &Shaped, l2: f64) -> Shaped {
        let mut gradient = theta.clone();
        let mut i = 0;
        gradient.visit_mut(&mut |g| {
            for g in g.iter_mut() {
                *g = self.curvature[i] * (*g - self.center[i]) + l2 * *g;
                i += 1;
            }
        });
        gradient
    }

    fn gradient(&self, theta: &Shaped) -> Shaped {
        self.gradient_with_l2(theta, 0.0)
    }

    /// Runs `steps` optimizer steps from `theta`.
    fn run(&self, optimizer: &mut impl Optimizer<f64>, theta: &mut Shaped, steps: usize) {
        for _ in 0..steps {
            let gradient = self.gradient(theta);
            optimizer.step(theta, &gradient);
        }
    }

    fn assert_minimized(&self, name: &str, optimizer: &mut impl Optimizer<f64>, steps: usize) {
        let mut theta = self.start();
        self.run(optimizer, &mut theta, steps);
        let (start, end) = (self.value(&self.start()), self.value(&theta));
        assert!(end < 1e-6 * start, "{name}: loss {start} → {end}");
        let distance = (theta.flat().iter().zip(&self.center))
            .map(|(t, c)| (t - c).abs())
            .fold(0.0, f64::max);
        assert!(
            distance < 1e-2,
            "{name}: {distance} from the minimum: {theta:?}"
        );
    }
}

/// One tensor of shape `[n]` (a bias).
fn vector(values: &[f64]) -> Shaped {
    Shaped::new(vec![values.to_vec()], vec![vec![values.len()]])
}

fn assert_close(actual: &Shaped, expected: &[f64], tolerance: f64) {
    for (i, (a, e)) in actual.flat().iter().zip(expected).enumerate() {
        assert!((a - e).abs() <= tolerance, "entry {i}: {a} vs {e}");
    }
}

#[test]
fn nesterov_steps_by_gradient_plus_momentum_times_velocity() {
    // η = 0.1, μ = 0.9, θ = 1.
    // Step 1, g = 2:  v = 0.9·0 + 2 = 2;      θ = 1 − 0.1 (2 + 0.9·2) = 1 − 0.38 = 0.62.
    // Step 2, g = −1: v = 0.9·2 − 1 = 0.8;    θ = 0.62 − 0.1 (−1 + 0.9·0.8) = 0.62 + 0.028 = 0.648.
    let mut optimizer = Nesterov::new(0.1, 0.9);
    let mut theta = vector(&[1.0]);
    optimizer.step(&mut theta, &vector(&[2.0]));
    assert_close(&theta, &[0.62], 1e-15);
    optimizer.step(&mut theta, &vector(&[-1.0]));
    assert_close(&theta, &[0.648], 1e-15);
}

#[test]
fn adagrad_divides_by_the_root_of_the_summed_squares() {
    // η = 0.1, ε = 1e-10, θ = (1, −2).
    // Step 1, g = (3, −4): G = (9, 16), √G = (3, 4); θ = (1 − 0.1·3/3, −2 + 0.1·4/4) = (0.9, −1.9).
    // Step 2, g = (1, 0):  G = (10, 16); θ₁ = 0.9 − 0.1/√10 = 0.9 − 0.0316227766… = 0.8683772234…,
    // θ₂ stays −1.9. (ε moves these by about 1e-11.)
    let mut optimizer = AdaGrad::new(0.1);
    let mut theta = vector(&[1.0, -2.0]);
    optimizer.step(&mut theta, &vector(&[3.0, -4.0]));
    assert_close(&theta, &[0.9, -1.9], 1e-9);
    optimizer.step(&mut theta, &vector(&[1.0, 0.0]));
    assert_close(&theta, &[0.868_377_223_4, -1.9], 1e-9);
    assert_eq!(AdaGrad::<f64>::default().epsilon, 1e-10);
    assert_eq!(AdaGrad::<f64>::default().learning_rate, 0.01);
}

#[test]
fn rmsprop_divides_by_the_root_of_the_running_mean_square() {
    // η = 0.01, ρ = 0.99, ε = 1e-8, θ = (1, 1).
    // Step 1, g = (2, −0.5): E = 0.01 g² = (0.04, 0.0025), √E = (0.2, 0.05);
    //   θ = (1 − 0.01·2/(0.2 + 1e-8), 1 + 0.01·0.5/(0.05 + 1e-8))
    //     = (1 − 0.099999995, 1 + 0.09999998) = (0.900000005, 1.09999998)
    //   (without ε, exactly 0.9 and 1.1: the first step is 10 η sign(g)).
    // Step 2, g = (2, 0): E = (0.99·0.04 + 0.01·4, 0.99·0.0025) = (0.0796, 0.002475);
    //   θ₁ = 0.900000005 − 0.02/(√0.0796 + 1e-8) = 0.900000005 − 0.02/0.2821347296…
    //      = 0.900000005 − 0.0708881180 = 0.8291118870; θ₂ does not move (g₂ = 0).
    let mut optimizer = RmsProp::new(0.01);
    assert_eq!((optimizer.rho, optimizer.epsilon), (0.99, 1e-8));
    let mut theta = vector(&[1.0, 1.0]);
    optimizer.step(&mut theta, &vector(&[2.0, -0.5]));
    assert_close(&theta, &[0.900_000_005, 1.099_999_98], 1e-12);
    optimizer.step(&mut theta, &vector(&[2.0, 0.0]));
    assert_close(&theta, &[0.829_111_887_0, 1.099_999_98], 1e-10);
}

#[test]
fn adamw_first_step_decays_the_weight_then_takes_adams_step() {
    // η = 0.1, λ = 0.01; a [1, 1] weight w = 2 and a [1] bias b = 2, both with gradient 0.5.
    // Decay (weight only): w = 2 (1 − 0.1·0.01) = 1.998.
    // Adam's first step is η m̂/(√v̂ + ε) = η g/(|g| + ε) = 0.1·0.5/(0.5 + 1e-8) ≈ 0.1 (to 2e-9):
    // w = 1.998 − 0.1 = 1.898, b = 2 − 0.1 = 1.9.
    let mut optimizer = AdamW::with_weight_decay(0.1, 0.01);
    let mut theta = Shaped::new(vec![vec![2.0], vec![2.0]], vec![vec![1, 1], vec![1]]);
    let gradient = Shaped::new(vec![vec![0.5], vec![0.5]], vec![vec![1, 1], vec![1]]);
    optimizer.step(&mut theta, &gradient);
    assert_close(&theta, &[1.898, 1.9], 1e-8);
    assert_eq!(
        (optimizer.decays(0), optimizer.decays(1)),
        (Some(true), Some(false))
    );
    let defaults = AdamW::<f64>::default();
    assert_eq!(
        (defaults.adam.learning_rate, defaults.weight_decay),
        (1e-3, 0.01)
    );
    assert_eq!((defaults.adam.beta1, defaults.adam.beta2), (0.9, 0.999));
}

#[test]
fn nesterov_minimizes_a_quadratic() {
    Quadratic::new().assert_minimized("Nesterov", &mut Nesterov::new(0.05, 0.9), 300);
}

#[test]
fn adagrad_minimizes_a_quadratic() {
    Quadratic::new().assert_minimized("AdaGrad", &mut AdaGrad::new(0.5), 1000);
}

#[test]
fn rmsprop_minimizes_a_quadratic() {
    Quadratic::new().assert_minimized("RMSProp", &mut RmsProp::new(0.01), 2000);
}

#[test]
fn adamw_without_decay_minimizes_a_quadratic() {
    Quadratic::new().assert_minimized("AdamW", &mut AdamW::with_weight_decay(0.05, 0.0), 1000);
}

#[test]
fn adamw_with_decay_settles_near_the_minimum() {
    // The decay pulls the weight a little towards zero, so the minimum is only nearly reached.
    let bowl = Quadratic::new();
    let mut theta = bowl.start();
    bowl.run(&mut AdamW::with_weight_decay(0.05, 0.01), &mut theta, 1000);
    let (start, end) = (bowl.value(&bowl.start()), bowl.value(&theta));
    assert!(end < 1e-3 * start, "loss {start} → {end}");
}

#[test]
fn adamw_decays_dense_weights_but_not_biases_or_batch_norm() {
    // With zero gradients Adam's step is 0/(0 + ε) = 0, so only the decay moves anything: each
    // dense weight shrinks by 1 − ηλ, while biases and batch norm's γ and β stay put.
    let (eta, lambda) = (0.1, 0.05);
    let mut network = Normalized::<f64>::new(&mut StdRng::seed_from_u64(3));
    let mut k = 0.0;
    network.visit_mut(&mut |tensor| {
        for x in tensor.iter_mut() {
            k += 1.0;
            *x = 0.25 * k - 3.0;
        }
    });
    let before = network.clone();
    let zeros = network.zeros_like();
    AdamW::with_weight_decay(eta, lambda).step(&mut network, &zeros);

    let specs = network.tensor_specs();
    let (mut old, mut new) = (Vec::new(), Vec::new());
    before.visit(&mut |t| old.push(t.to_vec()));
    network.visit(&mut |t| new.push(t.to_vec()));
    let factor = 1.0 - eta * lambda;
    let mut decayed = Vec::new();
    for ((spec, old), new) in specs.iter().zip(&old).zip(&new) {
        let expected: Vec<f64> = match spec.shape.len() {
            2 => old.iter().map(|x| x * factor).collect(),
            _ => old.clone(),
        };
        assert_eq!(new, &expected, "{} {:?}", spec.name, spec.shape);
        if spec.shape.len() == 2 {
            decayed.push(spec.name.clone());
        }
    }
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.iter().any(|n| n.starts_with("norm")) && names.len() == 6,
        "{names:?}"
    );
    assert_eq!(decayed, ["layer1.weight", "layer2.weight"], "{names:?}");
}

#[test]
fn adamw_is_not_adam_with_an_l2_penalty() {
    // AdamW: decay η λ θ outside the moments. Adam + L2: gradient g + λ θ through the moments.
    let (eta, lambda) = (0.05, 0.1);
    let bowl = Quadratic::new();
    let mut decoupled = bowl.start();
    let mut adamw = AdamW::with_weight_decay(eta, lambda);
    let mut coupled = bowl.start();
    let mut adam = Adam::new(eta);
    // Start away from zero, where the decay does something from the first step.
    decoupled.tensors[0] = vec![1.0, 1.0, 1.0];
    coupled.tensors[0] = vec![1.0, 1.0, 1.0];
    for _ in 0..5 {
        let gradient = bowl.gradient(&decoupled);
        adamw.step(&mut decoupled, &gradient);
        let gradient = bowl.gradient_with_l2(&coupled, lambda);
        adam.step(&mut coupled, &gradient);
    }
    let difference = (decoupled.tensors[0].iter().zip(&coupled.tensors[0]))
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(difference > 1e-3, "{decoupled:?} vs {coupled:?}");

    // And with λ = 0 the two are the same optimizer, bit for bit.
    let (mut a, mut b) = (bowl.start(), bowl.start());
    bowl.run(&mut AdamW::with_weight_decay(eta, 0.0), &mut a, 5);
    bowl.run(&mut Adam::new(eta), &mut b, 5);
    assert_eq!(a, b);
}

#[test]
#[should_panic(expected = "call `optimizer.prepare(&model.tensor_specs())`")]
fn adamw_refuses_to_update_unprepared() {
    let mut optimizer = AdamW::<f64>::new(0.1);
    optimizer.begin_step();
    optimizer.update(0, &mut [1.0], &[1.0]);
}

#[test]
fn adamw_prepares_itself_through_a_boxed_optimizer() {
    let mut boxed: Box<dyn Optimizer<f64>> = Box::new(AdamW::with_weight_decay(0.1, 0.5));
    assert!(boxed.needs_prepare());
    let mut theta = Shaped::new(vec![vec![2.0], vec![2.0]], vec![vec![1, 1], vec![1]]);
    let zeros = theta.zeros_like();
    boxed.step(&mut theta, &zeros);
    assert!(!boxed.needs_prepare());
    // Weight: 2 (1 − 0.1·0.5) = 1.9; bias untouched.
    assert_close(&theta, &[1.9, 2.0], 1e-15);
}

/// Steps `optimizer` 3 times on the bowl, saves its state into `fresh`, and checks that one more
/// step of each gives the same parameters and state, bit for bit.
fn assert_resumes_exactly<O: Optimizer<f64>>(name: &str, mut optimizer: O, mut fresh: O) {
    let bowl = Quadratic::new();
    let mut theta = bowl.start();
    bowl.run(&mut optimizer, &mut theta, 3);
    let state = optimizer.state();
    assert!(
        state.buffers.iter().all(|(_, slots)| slots.len() == 2),
        "{name}: {state:?}"
    );
    fresh.set_state(state.clone());
    assert_eq!(fresh.state(), state, "{name}");
    let mut resumed = theta.clone();
    bowl.run(&mut optimizer, &mut theta, 1);
    bowl.run(&mut fresh, &mut resumed, 1);
    let bits = |t: &Shaped| t.flat().iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&theta), bits(&resumed), "{name}");
    assert_eq!(optimizer.state(), fresh.state(), "{name}");
}

#[test]
fn state_round_trips_and_resumes_exactly() {
    assert_resumes_exactly(
        "Nesterov",
        Nesterov::new(0.05, 0.9),
        Nesterov::new(0.05, 0.9),
    );
    assert_resumes_exactly("AdaGrad", AdaGrad::new(0.5), AdaGrad::new(0.5));
    assert_resumes_exactly("RMSProp", RmsProp::new(0.01), RmsProp::new(0.01));
    assert_resumes_exactly(
        "AdamW",
        AdamW::with_weight_decay(0.05, 0.1),
        AdamW::with_weight_decay(0.05, 0.1),
    );
}

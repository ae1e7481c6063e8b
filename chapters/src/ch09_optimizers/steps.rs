//! Single steps worked by hand, Adam without its bias correction, and AdamW against Adam with
//! an L2 penalty.

use nabla::network::TensorSpec;
use nabla::optim::{Adam, AdamW, Optimizer};

// ANCHOR: worked
/// Where the worked example starts.
pub const THETA0: [f64; 2] = [1.0, -2.0];
/// The two gradients it is given, in order (made up, not from a function, so that the
/// arithmetic stays small).
pub const GRADIENTS: [[f64; 2]; 2] = [[2.0, -0.5], [1.0, 0.5]];
/// The learning rate of the worked example.
pub const ETA: f64 = 0.1;

/// θ after the first and after the second of [`GRADIENTS`], from [`THETA0`], as the library's
/// `optimizer` computes it (the pair `θ` is one tensor of shape `shape`).
pub fn two_steps(optimizer: &mut dyn Optimizer<f64>, shape: &[usize]) -> [[f64; 2]; 2] {
    optimizer.prepare(&[TensorSpec::new("theta", shape)]);
    let mut theta = THETA0;
    GRADIENTS.map(|gradient| {
        optimizer.begin_step();
        optimizer.update(0, &mut theta, &gradient);
        theta
    })
}
// ANCHOR_END: worked

// ANCHOR: uncorrected
/// Adam without the bias correction: `θ ← θ − η m / (√v + ε)` with the raw moments, which
/// start at zero. Not in the library (which always corrects); here only to show why it must.
pub struct UncorrectedAdam {
    /// η.
    pub learning_rate: f64,
    first: Vec<f64>,
    second: Vec<f64>,
}

impl UncorrectedAdam {
    /// With β₁ = 0.9, β₂ = 0.999, ε = 1e-8, as [`Adam::new`].
    pub fn new(learning_rate: f64) -> Self {
        Self {
            learning_rate,
            first: Vec::new(),
            second: Vec::new(),
        }
    }
}

impl Optimizer<f64> for UncorrectedAdam {
    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    fn update(&mut self, _slot: usize, parameters: &mut [f64], gradients: &[f64]) {
        self.first.resize(parameters.len(), 0.0);
        self.second.resize(parameters.len(), 0.0);
        for (i, (theta, &g)) in parameters.iter_mut().zip(gradients).enumerate() {
            self.first[i] = 0.9 * self.first[i] + 0.1 * g;
            self.second[i] = 0.999 * self.second[i] + 0.001 * g * g;
            *theta -= self.learning_rate * self.first[i] / (self.second[i].sqrt() + 1e-8);
        }
    }
}
// ANCHOR_END: uncorrected

/// The size of each of the first `steps` steps, divided by η, that `optimizer` takes on a
/// single parameter whose gradient is `gradient` every time.
pub fn step_sizes(optimizer: &mut dyn Optimizer<f64>, gradient: f64, steps: usize) -> Vec<f64> {
    let eta = optimizer.learning_rate();
    let mut theta = [0.0];
    (0..steps)
        .map(|_| {
            let before = theta[0];
            optimizer.begin_step();
            optimizer.update(0, &mut theta, &[gradient]);
            (theta[0] - before).abs() / eta
        })
        .collect()
}

// ANCHOR: decay
/// The bowl of the AdamW comparison, `½ (a₁ (θ₁ − c)² + a₂ (θ₂ − c)²)`: θ₁ steep, θ₂ flat.
pub const CURVATURES: [f64; 2] = [10.0, 0.1];
/// The decay λ of both runs.
pub const DECAY: f64 = 0.5;
/// The bowl's minimum is at (c, c).
pub const CENTRE: f64 = 3.0;

/// Where Adam with the L2 penalty `λ/2 ‖θ‖²` added to the loss, and AdamW with decay λ, are after
/// `steps` steps of rate `eta` from (0, 0). The pair is a weight matrix,
/// so AdamW decays it.
pub fn adam_l2_and_adamw(eta: f64, steps: usize) -> [[f64; 2]; 2] {
    let gradient = |theta: [f64; 2]| [0, 1].map(|i| CURVATURES[i] * (theta[i] - CENTRE));
    let spec = [TensorSpec::new("weight", [1, 2])];
    let (mut coupled, mut decoupled) = ([0.0, 0.0], [0.0, 0.0]);
    let mut adam = Adam::new(eta);
    let mut adamw = AdamW::with_weight_decay(eta, DECAY);
    adamw.prepare(&spec);
    for _ in 0..steps {
        let g = gradient(coupled);
        let with_penalty = [0, 1].map(|i| g[i] + DECAY * coupled[i]);
        adam.begin_step();
        adam.update(0, &mut coupled, &with_penalty);
        adamw.begin_step();
        let g = gradient(decoupled);
        adamw.update(0, &mut decoupled, &g);
    }
    [coupled, decoupled]
}

/// The minimum of the bowl plus `λ/2 ‖θ‖²`: `θᵢ = aᵢ c / (aᵢ + λ)`, where Adam with the L2
/// penalty must settle.
pub fn penalized_minimum() -> [f64; 2] {
    CURVATURES.map(|a| a * CENTRE / (a + DECAY))
}
// ANCHOR_END: decay

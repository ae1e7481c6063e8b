//! A deep stack of equal-width dense layers, built from the library's `Dense` layers and
//! activations, to watch what an initialization does to the signal on its way forward (the
//! activations) and on its way back (the gradients), layer by layer.

use nabla::activation::{Relu, Sigmoid, Tanh, apply, apply_derivative};
use nabla::batch::one_hot;
use nabla::dense::Dense;
use nabla::init::Init;
use nabla::loss::{Loss, SoftmaxCrossEntropy};
use nabla::{Batch, Scalar};
use rand::Rng;

/// The width of every hidden layer.
pub const WIDTH: usize = 256;
/// The number of hidden layers, D.
pub const DEPTH: usize = 10;
/// The classes of the output layer.
pub const CLASSES: usize = 10;

/// The activations compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phi {
    /// The logistic sigmoid σ.
    Sigmoid,
    /// The hyperbolic tangent.
    Tanh,
    /// The rectifier max(0, z).
    Relu,
}

impl Phi {
    /// All three, in the order the chapter shows them.
    pub const ALL: [Phi; 3] = [Phi::Sigmoid, Phi::Tanh, Phi::Relu];

    /// The name used in `network!` and in the printed tables.
    pub fn name(self) -> &'static str {
        match self {
            Phi::Sigmoid => "sigmoid",
            Phi::Tanh => "tanh",
            Phi::Relu => "relu",
        }
    }

    /// `a = φ(z)` for a batch.
    pub fn forward<T: Scalar, const N: usize>(self, z: &Batch<T, N>, a: &mut Batch<T, N>) {
        match self {
            Phi::Sigmoid => apply(&Sigmoid, z, a),
            Phi::Tanh => apply(&Tanh, z, a),
            Phi::Relu => apply(&Relu, z, a),
        }
    }

    /// Turns `∂L/∂a` in `gradient` into `∂L/∂z = ∂L/∂a ⊙ φ′(z)`.
    pub fn backward<T: Scalar, const N: usize>(
        self,
        z: &Batch<T, N>,
        a: &Batch<T, N>,
        gradient: &mut Batch<T, N>,
    ) {
        match self {
            Phi::Sigmoid => apply_derivative(&Sigmoid, z, a, gradient),
            Phi::Tanh => apply_derivative(&Tanh, z, a, gradient),
            Phi::Relu => apply_derivative(&Relu, z, a, gradient),
        }
    }
}

/// The four initializations compared, with the names the tables print.
pub const INITS: [(&str, Init); 4] = [
    ("small normal", Init::Normal { std: 0.01 }),
    ("unit normal", Init::Normal { std: 1.0 }),
    ("Xavier", Init::Xavier),
    ("He", Init::He),
];

// ANCHOR: stack
/// `IN => φ 256 => φ 256 => … (D = 10 hidden layers) => softmax 10`, every weight drawn by
/// one initializer, every bias 0.
pub struct DeepStack<T: Scalar, const IN: usize> {
    /// Layer 1: `IN → 256`.
    pub first: Dense<T, IN, WIDTH>,
    /// Layers 2 to D: `256 → 256`.
    pub hidden: Vec<Dense<T, WIDTH, WIDTH>>,
    /// The output layer `256 → 10` (softmax, in the loss).
    pub output: Dense<T, WIDTH, CLASSES>,
    /// φ of every hidden layer.
    pub phi: Phi,
}

/// What one forward and backward pass measured, layer by layer (index 0 is layer 1).
pub struct Flow<T: Scalar> {
    /// `aˡ = φ(zˡ)` for each hidden layer, one sample per column.
    pub activations: Vec<Batch<T, WIDTH>>,
    /// `δˡ = ∂L/∂zˡ` for each hidden layer, one sample per column.
    pub deltas: Vec<Batch<T, WIDTH>>,
    /// `‖∂L/∂Wˡ‖`, the Frobenius norm of each hidden layer's weight gradient.
    pub weight_gradient_norms: Vec<f64>,
    /// The mean loss of the batch.
    pub loss: f64,
}

impl<T: Scalar, const IN: usize> DeepStack<T, IN> {
    /// A stack with activation `phi` whose weights are drawn by `init`.
    pub fn new(phi: Phi, init: Init, rng: &mut impl Rng) -> Self {
        Self {
            first: Dense::new(init, rng),
            hidden: (1..DEPTH).map(|_| Dense::new(init, rng)).collect(),
            output: Dense::new(init, rng),
            phi,
        }
    }

    /// One forward pass of `inputs`, the softmax cross-entropy against `labels`, and one
    /// backward pass: BP2 carries δ down, BP4 gives each layer's `∂L/∂W = δ aᵀ`.
    pub fn flow(&self, inputs: &Batch<T, IN>, labels: &[u8]) -> Flow<T> {
        let columns = inputs.ncols();
        let mut weighted = vec![self.first.forward(inputs)];
        let mut activations = vec![Batch::zeros(columns)];
        self.phi.forward(&weighted[0], &mut activations[0]);
        for layer in &self.hidden {
            let z = layer.forward(activations.last().expect("layer 1 is there"));
            let mut a = Batch::zeros(columns);
            self.phi.forward(&z, &mut a);
            weighted.push(z);
            activations.push(a);
        }
        let logits = self.output.forward(&activations[DEPTH - 1]);
        let mut logits_gradient = Batch::zeros(columns);
        let loss = SoftmaxCrossEntropy
            .value_and_gradient(&logits, &one_hot(labels), &mut logits_gradient)
            .as_f64();

        let mut norms = vec![0.0; DEPTH];
        let mut deltas = vec![Batch::zeros(0); DEPTH];
        let mut output_gradients = Dense::zeros();
        let mut delta = Batch::zeros(columns);
        let last = &activations[DEPTH - 1];
        let into_delta = Some(&mut delta);
        (self.output).backward(last, &logits_gradient, &mut output_gradients, into_delta);
        let mut gradients = Dense::<T, WIDTH, WIDTH>::zeros();
        for l in (1..DEPTH).rev() {
            // δˡ = ∂L/∂aˡ ⊙ φ′(zˡ); then ∂L/∂Wˡ = δˡ (aˡ⁻¹)ᵀ and ∂L/∂aˡ⁻¹ = (Wˡ)ᵀ δˡ.
            self.phi.backward(&weighted[l], &activations[l], &mut delta);
            deltas[l] = delta.clone();
            let mut below = Batch::zeros(columns);
            let layer = &self.hidden[l - 1];
            layer.backward(
                &activations[l - 1],
                &delta,
                &mut gradients,
                Some(&mut below),
            );
            norms[l] = frobenius(gradients.weights.as_slice());
            delta = below;
        }
        self.phi.backward(&weighted[0], &activations[0], &mut delta);
        let mut first_gradients = Dense::<T, IN, WIDTH>::zeros();
        self.first
            .backward(inputs, &delta, &mut first_gradients, None);
        norms[0] = frobenius(first_gradients.weights.as_slice());
        deltas[0] = delta;
        Flow {
            activations,
            deltas,
            weight_gradient_norms: norms,
            loss,
        }
    }
}
// ANCHOR_END: stack

/// `√(Σ x²)`, summed in `f64`.
pub fn frobenius<T: Scalar>(values: &[T]) -> f64 {
    values
        .iter()
        .map(|v| v.as_f64().powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The standard deviation of `values` (about their mean), in `f64`.
pub fn std_dev<T: Scalar>(values: &[T]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().map(|v| v.as_f64()).sum::<f64>() / n;
    let second = values
        .iter()
        .map(|v| (v.as_f64() - mean).powi(2))
        .sum::<f64>()
        / n;
    second.sqrt()
}

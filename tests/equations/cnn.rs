//! A small CNN end to end: convolution, activation, pooling, a second convolution and a dense
//! layer composed by hand through the `Layer` trait, its backward pass (each layer's
//! `∂L/∂input` handed to the layer before it) checked against central differences of the loss
//! for every parameter of every layer.

use nabla::activation::Tanh;
use nabla::conv::Conv2d;
use nabla::dense::Dense;
use nabla::gradcheck::check_gradients;
use nabla::layer::{Activate, Layer, Pass};
use nabla::network::Parameters;
use nabla::{Batch, Scalar};
use nabla_tests::{TOLERANCE, options, seeded, uniform_batch};
use rand::Rng;

/// `1x4x6 => conv(2, 3x3, padding 1) tanh => maxpool(2) => conv(3, 2x2) => linear 2`.
#[derive(Clone, Debug, PartialEq, nabla::Parameters)]
struct TinyCnn<T: Scalar> {
    /// 1 × 4 × 6 → 2 × 4 × 6.
    conv1: Conv2d<T, 24, 48, 1, 4, 6, 2, 3, 1>,
    tanh: Activate<Tanh>,
    /// 2 × 4 × 6 → 2 × 2 × 3.
    pool: nabla::pool::MaxPool2d<48, 12, 2, 4, 6>,
    /// 2 × 2 × 3 → 3 × 1 × 2.
    conv2: Conv2d<T, 12, 6, 2, 2, 3, 3, 2, 0>,
    /// 6 → 2.
    linear: Dense<T, 6, 2>,
}

impl TinyCnn<f64> {
    fn random(rng: &mut impl Rng) -> Self {
        let mut network = Self {
            conv1: Conv2d::zeros(),
            tanh: Activate(Tanh),
            pool: Default::default(),
            conv2: Conv2d::zeros(),
            linear: Dense::zeros(),
        };
        network.visit_mut(&mut |tensor| {
            tensor
                .iter_mut()
                .for_each(|v| *v = rng.random_range(-1.0..1.0))
        });
        network
    }

    /// `L = Σ R ⊙ logits`, and, if asked, `∂L/∂θ` by backpropagation through every layer.
    fn loss(&self, input: &Batch<f64, 24>, r: &Batch<f64, 2>, gradients: Option<&mut Self>) -> f64 {
        let pass = Pass::train(0);
        let mut c1 = Default::default();
        let mut a1 = Default::default();
        let mut p = Default::default();
        let mut c2 = Default::default();
        let z1 = self.conv1.forward(input, pass, &mut c1);
        let a = self.tanh.forward(z1, pass, &mut a1);
        let pooled = self.pool.forward(a, pass, &mut p);
        let z2 = self.conv2.forward(pooled, pass, &mut c2);
        let logits = self.linear.forward(z2);
        let loss = logits.dot(r);
        let Some(gradients) = gradients else {
            return loss;
        };
        // Backward, last layer first: each layer turns ∂L/∂output into ∂L/∂input.
        let (mut d_z2, mut d_pooled, mut d_a, mut d_z1) = (
            Batch::zeros(0),
            Batch::zeros(0),
            Batch::zeros(0),
            Batch::zeros(0),
        );
        self.linear
            .backward(z2, r, &mut gradients.linear, Some(&mut d_z2));
        self.conv2.backward(
            pooled,
            &c2,
            &d_z2,
            &mut gradients.conv2,
            Some(&mut d_pooled),
        );
        self.pool
            .backward(a, &p, &d_pooled, &mut gradients.pool, Some(&mut d_a));
        self.tanh
            .backward(z1, &a1, &d_a, &mut gradients.tanh, Some(&mut d_z1));
        self.conv1
            .backward(input, &c1, &d_z1, &mut gradients.conv1, None);
        loss
    }
}

#[test]
fn small_cnn_gradients_match_finite_differences_end_to_end() {
    let mut rng = seeded(13);
    let mut network = TinyCnn::random(&mut rng);
    let input: Batch<f64, 24> = uniform_batch(&mut rng, 3, -1.0, 1.0);
    let r: Batch<f64, 2> = uniform_batch(&mut rng, 3, -1.0, 1.0);
    let mut gradients = network.zeros_like();
    network.loss(&input, &r, Some(&mut gradients));
    let report = check_gradients(
        &mut network,
        &gradients,
        |model| model.loss(&input, &r, None),
        options(),
    );
    assert_eq!(report.checked, network.parameter_count());
    assert!(
        report.max_relative_error <= TOLERANCE,
        "relative error {:e} at {:?}",
        report.max_relative_error,
        report.worst
    );
}

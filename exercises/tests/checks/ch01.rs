//! Chapter 1's checks: typical wrong answers fail with their mistake named, and the library's
//! own networks (declared with `network!`) pass the same checks.

use exercises::Outcome;
use exercises::checks::ch01_introduction::{self as check, COUNT_CASES, XOR_WEIGHTS};
use nabla::network::Parameters;
use nabla::{Batch, network};

/// The mistake a failing outcome names.
fn mistake(outcome: Outcome) -> String {
    match outcome {
        Outcome::Failed(failure) => failure
            .likely_mistake
            .unwrap_or_else(|| panic!("no mistake named for: {}", failure.explanation)),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn wrong_parameter_counts_fail_with_their_mistake_named() {
    let weights_only = |w: &[usize]| w.windows(2).map(|p| p[0] * p[1]).sum();
    assert!(mistake(check::parameter_count(weights_only)).contains("weights only"));
    let input_bias = |w: &[usize]| -> usize {
        w.windows(2).map(|p| p[0] * p[1]).sum::<usize>() + w.iter().sum::<usize>()
    };
    assert!(mistake(check::parameter_count(input_bias)).contains("input units have no bias"));
    let units = |w: &[usize]| w.iter().sum();
    assert!(mistake(check::parameter_count(units)).contains("counts the units"));
    let bias_of_the_reader = |w: &[usize]| w.windows(2).map(|p| p[0] * p[1] + p[0]).sum();
    let said = mistake(check::parameter_count(bias_of_the_reader));
    assert!(said.contains("units a layer feeds"), "{said}");
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn wrong_forward_passes_fail_with_their_mistake_named() {
    // Each wrong pass is written out, as a learner would write it.
    let transposed = |w: &[f64], b: &[f64], v: &[f64], c: f64, x: [f64; 2]| {
        let h = b.len();
        let z: f64 = (0..h)
            .map(|j| v[j] * (w[j] * x[0] + w[h + j] * x[1] + b[j]).tanh())
            .sum();
        sigmoid(z + c)
    };
    assert!(mistake(check::xor_forward(transposed)).contains("column by column"));
    let sigmoid_hidden = |w: &[f64], b: &[f64], v: &[f64], c: f64, x: [f64; 2]| {
        let z: f64 = (0..b.len())
            .map(|j| v[j] * sigmoid(w[2 * j] * x[0] + w[2 * j + 1] * x[1] + b[j]))
            .sum();
        sigmoid(z + c)
    };
    assert!(mistake(check::xor_forward(sigmoid_hidden)).contains("use tanh"));
    let logit = |w: &[f64], b: &[f64], v: &[f64], c: f64, x: [f64; 2]| {
        let z: f64 = (0..b.len())
            .map(|j| v[j] * (w[2 * j] * x[0] + w[2 * j + 1] * x[1] + b[j]).tanh())
            .sum();
        z + c
    };
    assert!(mistake(check::xor_forward(logit)).contains("apply the sigmoid"));
    let no_hidden_bias = |w: &[f64], b: &[f64], v: &[f64], c: f64, x: [f64; 2]| {
        let z: f64 = (0..b.len())
            .map(|j| v[j] * (w[2 * j] * x[0] + w[2 * j + 1] * x[1]).tanh())
            .sum();
        sigmoid(z + c)
    };
    assert!(mistake(check::xor_forward(no_hidden_bias)).contains("hidden biases"));
}

network! {
    /// Figure 1.1's network.
    struct Xor: 2 => tanh 4 => sigmoid 1
}
network! {
    /// A network of one layer.
    struct One: 3 => sigmoid 2
}
network! {
    /// Chapter 8's network.
    struct Mnist: 784 => relu 128 => softmax 10
}
network! {
    /// A deeper one.
    struct Deep: 5 => relu 7 => relu 3 => sigmoid 2
}

#[test]
fn the_library_networks_pass_the_parameter_count_check() {
    let mut rng = <nabla::rand::rngs::StdRng as nabla::rand::SeedableRng>::seed_from_u64(0);
    let networks = [
        (
            Xor::<f32>::WIDTHS.to_vec(),
            Xor::<f32>::new(&mut rng).parameter_count(),
        ),
        (
            One::<f32>::WIDTHS.to_vec(),
            One::<f32>::new(&mut rng).parameter_count(),
        ),
        (
            Mnist::<f32>::WIDTHS.to_vec(),
            Mnist::<f32>::new(&mut rng).parameter_count(),
        ),
        (
            Deep::<f32>::WIDTHS.to_vec(),
            Deep::<f32>::new(&mut rng).parameter_count(),
        ),
    ];
    assert_eq!(networks.len(), COUNT_CASES.len());
    let library = |widths: &[usize]| {
        let (_, count) = networks
            .iter()
            .find(|(w, _)| w == widths)
            .expect("a network");
        *count
    };
    let outcome = check::parameter_count(library);
    assert!(outcome.passed(), "{outcome:?}");
}

network! {
    /// The check's second weight set has three hidden units.
    struct XorThree: 2 => tanh 3 => sigmoid 1
}

/// The library's forward pass of a `2 => tanh H => sigmoid 1` network given its weights.
macro_rules! library_forward {
    ($network:ty, $w:expr, $b:expr, $v:expr, $c:expr, $x:expr) => {{
        let mut network = <$network>::zeros();
        for j in 0..$b.len() {
            for k in 0..2 {
                network.layer1.weights[(j, k)] = $w[2 * j + k];
            }
            network.layer1.bias[(j, 0)] = $b[j];
            network.layer2.weights[(0, j)] = $v[j];
        }
        network.layer2.bias[(0, 0)] = $c;
        network.forward(&Batch::<f64, 2>::from_column_slice(&$x))[(0, 0)]
    }};
}

#[test]
fn the_library_forward_pass_passes_the_xor_check() {
    let widths: Vec<usize> = XOR_WEIGHTS.iter().map(|(_, b, _, _)| b.len()).collect();
    assert_eq!(widths, [4, 3]);
    let library = |w: &[f64], b: &[f64], v: &[f64], c: f64, x: [f64; 2]| match b.len() {
        4 => library_forward!(Xor<f64>, w, b, v, c, x),
        _ => library_forward!(XorThree<f64>, w, b, v, c, x),
    };
    let outcome = check::xor_forward(library);
    assert!(outcome.passed(), "{outcome:?}");
}

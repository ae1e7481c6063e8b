//! A network declared with `network!` computes correct gradients: its backward pass agrees with
//! finite differences on every parameter.

use nabla::batch::one_hot;
use nabla::loss::Loss;
use nabla::network::Parameters;
use nabla::{Batch, network};
use nabla_tests::assert_training_pass_gradients;
use rand::SeedableRng;
use rand::rngs::StdRng;

network! {
    /// Three activations in a row, each with a different derivative.
    struct Small: 4 => tanh 5 => sigmoid 3 => softmax 2
}

network! {
    struct Leaky: 3 => leaky_relu(0.1) 6 => relu6 4 => identity 2
}

#[test]
fn macro_network_gradients_match_finite_differences() {
    let mut rng = StdRng::seed_from_u64(11);
    let mut network = Small::<f64>::new(&mut rng);
    let input = Batch::<f64, 4>::from_fn(6, |r, c| ((r * 5 + c * 3) as f64 * 0.7).sin());
    let targets = one_hot::<f64, 2>(&[0, 1, 1, 0, 1, 0]);
    let loss = network.loss();
    assert_training_pass_gradients(
        "tanh, sigmoid, softmax",
        &mut network,
        &loss,
        &input,
        &targets,
    );
}

#[test]
fn leaky_network_with_identity_output_uses_mse_and_has_correct_gradients() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut network = Leaky::<f64>::new(&mut rng);
    let input = Batch::<f64, 3>::from_fn(7, |r, c| ((r * 7 + c * 2) as f64 * 0.9).cos() * 2.0);
    let targets = Batch::<f64, 2>::from_fn(7, |r, c| (r + c) as f64 * 0.1);
    let loss = network.loss();
    assert_eq!(Loss::<f64, 2>::activation_name(&loss), "identity");
    assert_training_pass_gradients(
        "leaky, identity output",
        &mut network,
        &loss,
        &input,
        &targets,
    );
}

#[test]
fn architecture_and_sizes_are_recorded() {
    assert_eq!(
        Small::<f64>::ARCHITECTURE,
        "4 => tanh 5 => sigmoid 3 => softmax 2"
    );
    assert_eq!((Small::<f64>::INPUT, Small::<f64>::OUTPUT), (4, 2));
    assert_eq!(Small::<f64>::WIDTHS, [4, 5, 3, 2]);
    assert_eq!(Leaky::<f64>::WIDTHS, [3, 6, 4, 2]);
    // Layer l's weight is [WIDTHS[l], WIDTHS[l - 1]] and its bias [WIDTHS[l]], in the order the
    // tensors are visited.
    let expected: Vec<Vec<usize>> = Small::<f64>::WIDTHS
        .windows(2)
        .flat_map(|w| [vec![w[1], w[0]], vec![w[1]]])
        .collect();
    let shapes: Vec<Vec<usize>> = Small::<f64>::zeros()
        .tensor_specs()
        .into_iter()
        .map(|spec| spec.shape)
        .collect();
    assert_eq!(shapes, expected);
    assert_eq!(
        Small::<f64>::zeros().parameter_count(),
        4 * 5 + 5 + 5 * 3 + 3 + 3 * 2 + 2
    );
    let probabilities =
        Small::<f64>::new(&mut StdRng::seed_from_u64(1)).forward_one(&nalgebra_vector());
    assert!((probabilities.sum() - 1.0).abs() < 1e-12);
}

fn nalgebra_vector() -> nabla::nalgebra::SVector<f64, 4> {
    nabla::nalgebra::SVector::from_column_slice(&[0.5, -1.0, 2.0, 0.0])
}

#[test]
fn expression_form_builds_a_seeded_network() {
    let a = network!(2 => tanh 8 => sigmoid 1);
    let b = network!(2 => tanh 8 => sigmoid 1);
    let x = Batch::<f32, 2>::from_column_slice(&[0.3, -0.7]);
    assert_eq!(a.forward(&x), b.forward(&x));
    let p = a.forward(&x)[(0, 0)];
    assert!(p > 0.0 && p < 1.0);
}

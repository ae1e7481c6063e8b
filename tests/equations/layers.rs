//! The layers as parts: each backward pass against central differences of its own forward pass
//! (`C = Σ R ⊙ output` for a random `R`, so `∂L/∂output = R`), in both modes where they differ;
//! batch normalization through its batch statistics, dropout with its mask held fixed (the same
//! step draws the same mask); and the laws of each mode.

use nabla::Batch;
use nabla::activation::Tanh;
use nabla::batchnorm::BatchNorm;
use nabla::dense::Dense;
use nabla::dropout::Dropout;
use nabla::layer::{Activate, Layer, Pass};
use nabla::network::Parameters;
use nabla_tests::{assert_gradients_match, finite_difference_gradient, seeded, uniform_batch};
use rand::Rng;

/// `Σ R ⊙ layer(input)` for a pass.
fn weighted_sum<L: Layer<f64, IN, OUT>, const IN: usize, const OUT: usize>(
    layer: &L,
    input: &Batch<f64, IN>,
    pass: Pass,
    weights: &Batch<f64, OUT>,
) -> f64 {
    let mut cache = L::Cache::default();
    layer.forward(input, pass, &mut cache).dot(weights)
}

/// Checks `layer`'s backward pass in `pass` against central differences: every parameter and
/// every input entry.
fn check_layer<L: Layer<f64, IN, OUT> + Clone, const IN: usize, const OUT: usize>(
    what: &str,
    layer: &L,
    input: &Batch<f64, IN>,
    pass: Pass,
) {
    let mut rng = seeded(99);
    let weights: Batch<f64, OUT> = uniform_batch(&mut rng, input.ncols(), -1.0, 1.0);
    let mut cache = L::Cache::default();
    layer.forward(input, pass, &mut cache);
    let mut gradients = layer.zeros_like();
    let mut input_gradient = Batch::zeros(0);
    layer.backward(
        input,
        &cache,
        &weights,
        &mut gradients,
        Some(&mut input_gradient),
    );

    // ∂L/∂input.
    let numeric = finite_difference_gradient(
        |x| weighted_sum(layer, &Batch::from_column_slice(x), pass, &weights),
        input.as_slice(),
    );
    assert_gradients_match(
        &format!("{what}: ∂L/∂x"),
        input_gradient.as_slice(),
        &numeric,
    );

    // ∂L/∂θ, tensor by tensor.
    let mut analytic = Vec::new();
    gradients.visit(&mut |tensor| analytic.push(tensor.to_vec()));
    let mut values = Vec::new();
    layer.visit(&mut |tensor| values.push(tensor.to_vec()));
    for (tensor, (analytic, value)) in analytic.iter().zip(&values).enumerate() {
        let numeric = finite_difference_gradient(
            |theta| {
                let mut moved = layer.clone();
                let mut k = 0;
                moved.visit_mut(&mut |slice| {
                    if k == tensor {
                        slice.copy_from_slice(theta);
                    }
                    k += 1;
                });
                weighted_sum(&moved, input, pass, &weights)
            },
            value,
        );
        assert_gradients_match(&format!("{what}: tensor {tensor}"), analytic, &numeric);
    }
}

/// A batch norm layer with γ, β and running averages away from their starting values.
fn batchnorm(rng: &mut impl Rng) -> BatchNorm<f64, 4> {
    let mut layer = BatchNorm::new();
    for i in 0..4 {
        layer.gamma[(i, 0)] = rng.random_range(0.5..2.0);
        layer.beta[(i, 0)] = rng.random_range(-1.0..1.0);
        layer.running_mean[(i, 0)] = rng.random_range(-1.0..1.0);
        layer.running_var[(i, 0)] = rng.random_range(0.5..2.0);
    }
    layer
}

#[test]
fn batchnorm_backward_in_training_runs_through_the_batch_statistics() {
    let mut rng = seeded(1);
    let input: Batch<f64, 4> = uniform_batch(&mut rng, 6, -2.0, 3.0);
    check_layer(
        "batch norm, training",
        &batchnorm(&mut rng),
        &input,
        Pass::train(0),
    );
}

#[test]
fn batchnorm_backward_at_inference_is_an_affine_map() {
    let mut rng = seeded(2);
    let input: Batch<f64, 4> = uniform_batch(&mut rng, 5, -2.0, 3.0);
    check_layer(
        "batch norm, inference",
        &batchnorm(&mut rng),
        &input,
        Pass::infer(),
    );
}

#[test]
fn batchnorm_in_training_gives_each_feature_mean_beta_and_spread_gamma() {
    let mut rng = seeded(3);
    let layer = batchnorm(&mut rng);
    let input: Batch<f64, 4> = uniform_batch(&mut rng, 50, 5.0, 9.0);
    let mut cache = Default::default();
    let output = Layer::<f64, 4, 4>::forward(&layer, &input, Pass::train(0), &mut cache).clone();
    for i in 0..4 {
        let row: Vec<f64> = output.row(i).iter().copied().collect();
        let mean = row.iter().sum::<f64>() / 50.0;
        let var = row.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / 50.0;
        assert!(
            (mean - layer.beta[(i, 0)]).abs() < 1e-12,
            "feature {i}: mean {mean}"
        );
        let gamma = layer.gamma[(i, 0)];
        // ε = 1e-5 shrinks the spread a little: var(y) = γ² σ²/(σ² + ε).
        assert!(
            (var - gamma * gamma).abs() < 1e-3 * gamma * gamma,
            "feature {i}: var {var}"
        );
    }
}

#[test]
fn batchnorm_at_inference_uses_the_running_averages_even_for_one_sample() {
    let mut rng = seeded(4);
    let layer = batchnorm(&mut rng);
    let sample: Batch<f64, 4> = uniform_batch(&mut rng, 1, -1.0, 1.0);
    let mut cache = Default::default();
    let output = Layer::<f64, 4, 4>::forward(&layer, &sample, Pass::infer(), &mut cache).clone();
    for i in 0..4 {
        let expected = layer.gamma[(i, 0)] * (sample[(i, 0)] - layer.running_mean[(i, 0)])
            / (layer.running_var[(i, 0)] + 1e-5).sqrt()
            + layer.beta[(i, 0)];
        assert!((output[(i, 0)] - expected).abs() < 1e-12, "feature {i}");
    }
    // In training, a single sample is normalized to β: its own mean, no spread.
    let output = Layer::<f64, 4, 4>::forward(&layer, &sample, Pass::train(0), &mut cache).clone();
    for i in 0..4 {
        assert!((output[(i, 0)] - layer.beta[(i, 0)]).abs() < 1e-12);
    }
}

#[test]
fn batchnorm_running_averages_move_towards_the_batch_statistics_in_training_only() {
    let mut rng = seeded(5);
    let mut layer = BatchNorm::<f64, 4>::new();
    let input: Batch<f64, 4> = uniform_batch(&mut rng, 8, 2.0, 4.0);
    let mut cache = Default::default();
    Layer::<f64, 4, 4>::forward(&layer, &input, Pass::infer(), &mut cache);
    Layer::<f64, 4, 4>::update_buffers(&mut layer, &cache);
    assert_eq!(layer, BatchNorm::new(), "inference changes nothing");
    Layer::<f64, 4, 4>::forward(&layer, &input, Pass::train(0), &mut cache);
    Layer::<f64, 4, 4>::update_buffers(&mut layer, &cache);
    for i in 0..4 {
        let row: Vec<f64> = input.row(i).iter().copied().collect();
        let mean = row.iter().sum::<f64>() / 8.0;
        let unbiased = row.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 7.0;
        assert!((layer.running_mean[(i, 0)] - 0.1 * mean).abs() < 1e-12);
        assert!((layer.running_var[(i, 0)] - (0.9 + 0.1 * unbiased)).abs() < 1e-12);
    }
}

#[test]
fn batchnorm_trains_gamma_and_beta_and_keeps_its_running_averages_as_buffers() {
    let layer = BatchNorm::<f32, 3>::new();
    let names = |specs: Vec<nabla::network::TensorSpec>| -> Vec<String> {
        specs.into_iter().map(|spec| spec.name).collect()
    };
    assert_eq!(names(layer.tensor_specs()), ["weight", "bias"]);
    assert_eq!(names(layer.buffer_specs()), ["running_mean", "running_var"]);
    assert_eq!(layer.parameter_count(), 6, "optimizers see γ and β only");
}

#[test]
fn dropout_backward_with_its_mask_held_fixed() {
    let mut rng = seeded(6);
    let input: Batch<f64, 5> = uniform_batch(&mut rng, 7, -1.0, 1.0);
    check_layer(
        "dropout, training",
        &Dropout::new(0.4, 11),
        &input,
        Pass::train(3),
    );
    check_layer(
        "dropout, inference",
        &Dropout::new(0.4, 11),
        &input,
        Pass::infer(),
    );
}

#[test]
fn inverted_dropout_keeps_the_expected_activation_and_inference_is_the_identity() {
    let layer = Dropout::new(0.3, 7);
    let input = Batch::<f64, 100>::from_element(200, 2.0);
    let mut cache = Default::default();
    let output = Layer::<f64, 100, 100>::forward(&layer, &input, Pass::train(0), &mut cache);
    let dropped = output.iter().filter(|&&y| y == 0.0).count() as f64 / 20_000.0;
    let mean = output.mean();
    assert!((dropped - 0.3).abs() < 0.01, "dropped {dropped}");
    assert!((mean - 2.0).abs() < 0.03, "mean {mean}");
    assert!(
        output
            .iter()
            .all(|&y| y == 0.0 || (y - 2.0 / 0.7).abs() < 1e-12)
    );
    let same = Layer::<f64, 100, 100>::forward(&layer, &input, Pass::train(0), &mut cache).clone();
    let other = Layer::<f64, 100, 100>::forward(&layer, &input, Pass::train(1), &mut cache).clone();
    let first = Layer::<f64, 100, 100>::forward(&layer, &input, Pass::train(0), &mut cache).clone();
    assert_eq!(same, first, "a step draws the same mask every time");
    assert_ne!(same, other, "another step draws another mask");
    let inference = Layer::<f64, 100, 100>::forward(&layer, &input, Pass::infer(), &mut cache);
    assert_eq!(inference, &input);
}

#[test]
fn dense_and_activation_layers_backpropagate_like_their_equations() {
    let mut rng = seeded(8);
    let input: Batch<f64, 3> = uniform_batch(&mut rng, 4, -1.0, 1.0);
    let dense: Dense<f64, 3, 5> = nabla_tests::uniform_dense(&mut rng);
    check_layer("dense", &dense, &input, Pass::train(0));
    let wide: Batch<f64, 5> = uniform_batch(&mut rng, 4, -2.0, 2.0);
    check_layer("tanh", &Activate(Tanh), &wide, Pass::infer());
}

#[test]
fn a_stack_of_every_layer_kind_backpropagates_end_to_end() {
    // 3 → dense 6 → batch norm → tanh → dropout → dense 2, wired by hand through the trait:
    // the input gradient of each layer is the output gradient of the one before.
    let mut rng = seeded(9);
    let first: Dense<f64, 3, 6> = nabla_tests::uniform_dense(&mut rng);
    let norm = {
        let mut layer = BatchNorm::<f64, 6>::new();
        layer
            .gamma
            .as_mut_slice()
            .iter_mut()
            .for_each(|g| *g = rng.random_range(0.5..1.5));
        layer
    };
    let last: Dense<f64, 6, 2> = nabla_tests::uniform_dense(&mut rng);
    let drop = Dropout::new(0.25, 5);
    let input: Batch<f64, 3> = uniform_batch(&mut rng, 8, -1.0, 1.0);
    let weights: Batch<f64, 2> = uniform_batch(&mut rng, 8, -1.0, 1.0);
    let pass = Pass::train(2);
    let run = |first: &Dense<f64, 3, 6>, last: &Dense<f64, 6, 2>, x: &Batch<f64, 3>| {
        let (mut c1, mut c2, mut c3, mut c4, mut c5) = Default::default();
        let z = Layer::<f64, 3, 6>::forward(first, x, pass, &mut c1);
        let n = Layer::<f64, 6, 6>::forward(&norm, z, pass, &mut c2);
        let a = Layer::<f64, 6, 6>::forward(&Activate(Tanh), n, pass, &mut c3);
        let d = Layer::<f64, 6, 6>::forward(&drop, a, pass, &mut c4);
        Layer::<f64, 6, 2>::forward(last, d, pass, &mut c5).dot(&weights)
    };
    // Analytic: forward once keeping every cache, then backward from the end.
    let (mut c1, mut c2, mut c3, mut c4, mut c5) = Default::default();
    let z = Layer::<f64, 3, 6>::forward(&first, &input, pass, &mut c1).clone();
    let n = Layer::<f64, 6, 6>::forward(&norm, &z, pass, &mut c2).clone();
    let a = Layer::<f64, 6, 6>::forward(&Activate(Tanh), &n, pass, &mut c3).clone();
    let d = Layer::<f64, 6, 6>::forward(&drop, &a, pass, &mut c4).clone();
    Layer::<f64, 6, 2>::forward(&last, &d, pass, &mut c5);
    let (mut g_last, mut g_first) = (last.zeros_like(), first.zeros_like());
    let (mut g_norm, mut g_act, mut g_drop) = (norm.zeros_like(), Activate(Tanh), drop);
    let (mut dd, mut da, mut dn, mut dz, mut dx) = Default::default();
    Layer::<f64, 6, 2>::backward(&last, &d, &c5, &weights, &mut g_last, Some(&mut dd));
    Layer::<f64, 6, 6>::backward(&drop, &a, &c4, &dd, &mut g_drop, Some(&mut da));
    Layer::<f64, 6, 6>::backward(&Activate(Tanh), &n, &c3, &da, &mut g_act, Some(&mut dn));
    Layer::<f64, 6, 6>::backward(&norm, &z, &c2, &dn, &mut g_norm, Some(&mut dz));
    Layer::<f64, 3, 6>::backward(&first, &input, &c1, &dz, &mut g_first, Some(&mut dx));
    let dx: Batch<f64, 3> = dx;
    let numeric = finite_difference_gradient(
        |x| run(&first, &last, &Batch::from_column_slice(x)),
        input.as_slice(),
    );
    assert_gradients_match("stack: ∂L/∂x", dx.as_slice(), &numeric);
    let numeric = finite_difference_gradient(
        |w| {
            let mut moved = first.clone();
            moved.weights.as_mut_slice().copy_from_slice(w);
            run(&moved, &last, &input)
        },
        first.weights.as_slice(),
    );
    assert_gradients_match("stack: ∂L/∂W¹", g_first.weights.as_slice(), &numeric);
}

#[test]
fn a_batchnorm_layer_saves_and_loads_with_its_running_averages() {
    let mut rng = seeded(10);
    let layer = batchnorm(&mut rng);
    let bytes = nabla::model_file::to_bytes(&layer);
    let mut loaded = BatchNorm::<f64, 4>::new();
    nabla::model_file::from_bytes(&bytes, &mut loaded).expect("loads");
    assert_eq!(loaded, layer, "γ, β and both running averages come back");
    // A file with γ and β but no running averages (saved before batch norm had buffers, or by
    // a tool that drops them) is refused, naming the first missing buffer.
    let mut without_buffers = layer.clone();
    let bytes = nabla::model_file::to_bytes(&ParametersOnly(&mut without_buffers));
    let error = nabla::model_file::from_bytes(&bytes, &mut loaded)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("tensor `running_mean` is missing"),
        "{error}"
    );
}

/// A batch norm layer seen without its buffers.
struct ParametersOnly<'a>(&'a mut BatchNorm<f64, 4>);

impl Parameters<f64> for ParametersOnly<'_> {
    fn zeros_like(&self) -> Self {
        unreachable!("only saved")
    }
    fn visit(&self, visit: &mut dyn FnMut(&[f64])) {
        self.0.visit(visit);
    }
    fn visit_mut(&mut self, visit: &mut dyn FnMut(&mut [f64])) {
        self.0.visit_mut(visit);
    }
    fn visit_with(&mut self, _: &Self, _: &mut dyn FnMut(&mut [f64], &[f64])) {
        unreachable!("only saved")
    }
    fn tensor_specs(&self) -> Vec<nabla::network::TensorSpec> {
        self.0.tensor_specs()
    }
}

/// A model of parts whose tensors the derive lists: a dense layer and a batch norm layer.
#[derive(Clone, Debug, PartialEq, nabla::Parameters)]
struct DenseThenNorm<T: nabla::Scalar> {
    dense: Dense<T, 3, 4>,
    norm: BatchNorm<T, 4>,
}

#[test]
fn the_derive_lists_parameters_and_buffers_from_the_fields_and_files_keep_both() {
    let mut rng = seeded(12);
    let model = DenseThenNorm {
        dense: nabla_tests::uniform_dense(&mut rng),
        norm: batchnorm(&mut rng),
    };
    let names = |specs: Vec<nabla::network::TensorSpec>| -> Vec<String> {
        specs.into_iter().map(|spec| spec.name).collect()
    };
    assert_eq!(
        names(model.tensor_specs()),
        ["dense.weight", "dense.bias", "norm.weight", "norm.bias"]
    );
    assert_eq!(
        names(model.buffer_specs()),
        ["norm.running_mean", "norm.running_var"]
    );
    assert_eq!(
        model.parameter_count(),
        12 + 4 + 4 + 4,
        "buffers are not trained"
    );
    let mut loaded = model.zeros_like();
    nabla::model_file::from_bytes(&nabla::model_file::to_bytes(&model), &mut loaded)
        .expect("loads");
    assert_eq!(loaded, model);
}

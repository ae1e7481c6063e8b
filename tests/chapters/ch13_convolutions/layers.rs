//! (13.1), (13.4)–(13.9): the library's convolution and max-pooling against the definitions.

use chapters::ch13_convolutions::check::{
    POOL_INPUT, SMALL, Small, compare, kernels, largest_error, pool_example,
};
use chapters::ch13_convolutions::definition::max_pool;
use nabla::Batch;
use nabla::init::Init;
use nabla::layer::{Layer, Pass};
use nabla::pool::MaxPool2d;
use nabla_tests::{seeded, uniform_vec};

#[test]
fn eq_13_1_the_librarys_convolution_is_the_unflipped_cross_correlation_of_the_definition() {
    for seed in [1, 2, 3] {
        let agreement = compare(seed);
        assert!(agreement.forward < 1e-12, "seed {seed}: {agreement:?}");
    }
    // The flipped kernel (a convolution in the mathematical sense) gives another output, so the
    // comparison can tell the two apart.
    let mut rng = seeded(4);
    let layer = Small::new(Init::He, &mut rng);
    let image = uniform_vec(&mut rng, 60, -1.0, 1.0);
    let weight = kernels(&layer, &SMALL);
    let k = SMALL.kernel;
    let mut flipped = weight.clone();
    for o in 0..SMALL.kernels {
        for c in 0..SMALL.channels {
            for i in 0..k {
                for j in 0..k {
                    flipped[SMALL.tap(o, c, i, j)] = weight[SMALL.tap(o, c, k - 1 - i, k - 1 - j)];
                }
            }
        }
    }
    let mut cache = Default::default();
    let input = Batch::<f64, 60>::from_column_slice(&image);
    let z = layer
        .forward(&input, Pass::infer(), &mut cache)
        .as_slice()
        .to_vec();
    let bias = layer.bias.as_slice();
    assert!(largest_error(&z, &SMALL.forward(&image, &weight, bias)) < 1e-12);
    assert!(largest_error(&z, &SMALL.forward(&image, &flipped, bias)) > 0.1);
}

#[test]
fn eq_13_4_the_convolution_is_the_kernel_matrix_times_the_unrolled_patches_plus_the_bias() {
    let mut rng = seeded(5);
    let mut layer = Small::new(Init::He, &mut rng);
    layer
        .bias
        .as_mut_slice()
        .copy_from_slice(&uniform_vec(&mut rng, 3, -1.0, 1.0));
    let image = uniform_vec(&mut rng, 60, -1.0, 1.0);
    let (out_h, out_w) = SMALL.output_size();
    let (c_in, k) = (SMALL.channels, SMALL.kernel);
    let taps = c_in * k * k;
    // X_col: one column per output position, one row per patch entry (c, i, j), in the order of
    // the kernel matrix's columns, c + C_in·(i + K·j).
    let positions = out_h * out_w;
    let mut columns = vec![0.0; taps * positions];
    for y in 0..out_h {
        for x in 0..out_w {
            for c in 0..c_in {
                for i in 0..k {
                    for j in 0..k {
                        let row = c + c_in * (i + k * j);
                        columns[row * positions + y * out_w + x] =
                            SMALL.padded(&image, c, y + i, x + j);
                    }
                }
            }
        }
    }
    let mut product = Vec::new();
    for o in 0..SMALL.kernels {
        for p in 0..positions {
            let dot: f64 = (0..taps)
                .map(|r| layer.weight[(o, r)] * columns[r * positions + p])
                .sum();
            product.push(dot + layer.bias.as_slice()[o]);
        }
    }
    let mut cache = Default::default();
    let input = Batch::<f64, 60>::from_column_slice(&image);
    let z = layer
        .forward(&input, Pass::infer(), &mut cache)
        .as_slice()
        .to_vec();
    assert!(
        largest_error(&z, &product) < 1e-12,
        "{}",
        largest_error(&z, &product)
    );
}

#[test]
fn eq_13_5_the_kernel_gradient_is_the_input_correlated_with_the_error() {
    for seed in [1, 2, 3] {
        let a = compare(seed);
        assert!(
            a.kernel.0 < 1e-12 && a.kernel.1 < 1e-7,
            "seed {seed}: {a:?}"
        );
    }
}

#[test]
fn eq_13_6_the_bias_gradient_sums_the_error_over_positions() {
    for seed in [1, 2, 3] {
        let a = compare(seed);
        assert!(a.bias.0 < 1e-12 && a.bias.1 < 1e-7, "seed {seed}: {a:?}");
    }
}

#[test]
fn eq_13_7_the_input_gradient_is_the_full_convolution_with_the_flipped_kernel() {
    for seed in [1, 2, 3] {
        let a = compare(seed);
        assert!(a.input.0 < 1e-12 && a.input.1 < 1e-6, "seed {seed}: {a:?}");
    }
}

#[test]
fn eq_13_8_max_pooling_keeps_the_largest_entry_of_each_block() {
    // Two channels of 4 × 6, random.
    let mut rng = seeded(6);
    let values = uniform_vec(&mut rng, 48, -1.0, 1.0);
    let pool = MaxPool2d::<48, 12, 2, 4, 6>;
    let mut cache = Default::default();
    let input = Batch::<f64, 48>::from_column_slice(&values);
    let output = pool
        .forward(&input, Pass::infer(), &mut cache)
        .as_slice()
        .to_vec();
    let mut expected = max_pool(&values[..24], 4, 6);
    expected.extend(max_pool(&values[24..], 4, 6));
    assert_eq!(output, expected);
    assert_eq!(pool_example([0.0; 4]).0, max_pool(&POOL_INPUT, 4, 4));
}

#[test]
fn eq_13_9_max_pooling_routes_each_gradient_to_its_blocks_maximum() {
    let (_, gradient) = pool_example([0.1, 0.2, 0.3, 0.4]);
    // The maxima of the four blocks are 3 (row 0, column 1), 0.9 (1, 3), −0.5 (3, 0), 5 (3, 3).
    let mut expected = [0.0; 16];
    expected[1] = 0.1;
    expected[7] = 0.2;
    expected[12] = 0.3;
    expected[15] = 0.4;
    assert_eq!(gradient, expected);
}

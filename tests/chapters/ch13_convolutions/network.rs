//! (13.2), (13.3), (13.10): LeNet's shapes, parameter counts and receptive fields.

use chapters::ch13_convolutions::shapes::{measured_field, parameters, receptive_fields, stages};
use chapters::ch13_convolutions::train::WideLeNet;
use chapters::cnn::LeNet;
use nabla::network::Parameters;
use nabla_tests::seeded;

#[test]
fn eq_13_2_each_convolution_of_lenet_has_h_plus_2p_minus_k_plus_1_rows() {
    let net = LeNet::<f32>::zeros();
    let shapes: Vec<_> = stages(&net).iter().map(|s| s.shape).collect();
    // 28 + 0 − 5 + 1 = 24, pooled 12; 12 − 5 + 1 = 8, pooled 4.
    assert_eq!(
        shapes[..5],
        [
            (1, 28, 28),
            (8, 24, 24),
            (8, 12, 12),
            (16, 8, 8),
            (16, 4, 4)
        ]
    );
    // With P = 2 a 5 × 5 kernel keeps 28 × 28 ("same" padding).
    type Same = nabla::conv::Conv2d<f32, 784, 784, 1, 28, 28, 1, 5, 2>;
    assert_eq!((Same::H_OUT, Same::W_OUT), (28, 28));
}

#[test]
fn eq_13_3_a_convolution_has_c_out_times_c_in_k_squared_plus_one_parameters() {
    let net = LeNet::<f32>::zeros();
    let formula = |c_out: usize, c_in: usize, k: usize| c_out * (c_in * k * k + 1);
    assert_eq!(parameters(&net.conv1), formula(8, 1, 5));
    assert_eq!(parameters(&net.conv2), formula(16, 8, 5));
    assert_eq!(parameters(&net.conv1), 208);
    let wide = WideLeNet::<f32>::zeros();
    assert_eq!(parameters(&wide.conv1), formula(16, 1, 5));
    assert_eq!(parameters(&wide.conv2), formula(32, 16, 5));
    // A dense layer from the 784 pixels to the same 8 × 24 × 24 outputs.
    assert_eq!(stages(&net)[1].dense, Some(784 * 4608 + 4608));
    assert_eq!(stages(&net)[1].dense, Some(3_617_280));
    let total: usize = stages(&net).iter().map(|s| s.parameters).sum();
    assert_eq!(total, net.parameter_count());
    assert_eq!(total, 35_474);
}

#[test]
fn eq_13_10_lenets_last_pooled_units_see_16_by_16_pixels() {
    let fields: Vec<(usize, usize)> = receptive_fields().iter().map(|&(_, r, s)| (r, s)).collect();
    assert_eq!(fields, [(5, 1), (6, 2), (14, 2), (16, 4)]);
    // Measured: the pixels the gradient of unit (0, 1, 2) reaches, over 8 random images, span
    // rows 4·1 … 4·1 + 15 and columns 4·2 … 4·2 + 15: the spacing s = 4 and the side r = 16.
    let net = LeNet::<f32>::new(&mut seeded(42));
    assert_eq!(measured_field(&net, 4 + 2, 8, 1), (4, 19, 8, 23));
    // The unit in the corner sees the corner.
    assert_eq!(measured_field(&net, 0, 8, 2), (0, 15, 0, 15));
}

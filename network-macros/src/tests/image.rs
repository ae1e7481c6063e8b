//! Unit tests of the image steps: the shape arithmetic of convolution and max-pooling, where
//! they may stand, the expansion's types and initializers, and every error message.

use super::{check_snapshot, error_of};
use crate::network_tokens;
use crate::valid::{self, Network};

/// The checked network of `input`, which must be valid.
fn checked(input: &str) -> Network {
    let invocation = syn::parse_str(input).unwrap_or_else(|e| panic!("`{input}`: {e}"));
    valid::check(&invocation).unwrap_or_else(|e| panic!("`{input}`: {e}"))
}

/// Each step's output: its image shape while it is one, its width after.
fn shapes(input: &str) -> Vec<String> {
    checked(input)
        .steps
        .iter()
        .map(|step| match step.image {
            Some(image) => {
                assert_eq!(image.size(), step.width, "`{input}`: {image}");
                image.to_string()
            }
            None => step.width.to_string(),
        })
        .collect()
}

/// The expansion of a valid `input`, as `TokenStream::to_string` spaces it.
fn expansion(input: &str) -> String {
    let expanded = network_tokens(input.parse().unwrap()).to_string();
    assert!(!expanded.contains("compile_error"), "`{input}`: {expanded}");
    expanded
}

/// Asserts that `input` fails with a message containing `expected`.
fn assert_error(input: &str, expected: &str) {
    let error = error_of(input);
    assert!(
        error.contains(expected),
        "`{input}`:\n{error}\nlacks: {expected}"
    );
}

const LENET: &str = "pub struct LeNet: 1x28x28 => conv(8, 5x5) relu => maxpool(2) => \
                     conv(16, 5x5) relu => maxpool(2) => relu 120 => softmax 10";

#[test]
fn output_size_is_h_plus_2p_minus_k_plus_1_and_pooling_halves_it() {
    assert_eq!(
        shapes(LENET),
        [
            "8x24x24", "8x24x24", "8x12x12", "16x8x8", "16x8x8", "16x4x4", "120", "10"
        ]
    );
    // Padding (K − 1)/2 keeps the size; a kernel as large as the padded image leaves 1x1.
    assert_eq!(
        shapes("1x5x5 => conv(3, 3x3, pad = 1) => relu 4"),
        ["3x5x5", "4"]
    );
    assert_eq!(
        shapes("2x4x4 => conv(3, 6x6, pad = 1) => relu 4"),
        ["3x1x1", "4"]
    );
    assert_eq!(shapes("1x4x4 => conv(2, 4x4) => relu 4"), ["2x1x1", "4"]);
    assert_eq!(shapes("1x4x4 => conv(2, 1x1) => relu 4"), ["2x4x4", "4"]);
    // Height and width apart.
    assert_eq!(
        shapes("3x8x6 => conv(4, 3x3) => maxpool(2) => relu 5"),
        ["4x6x4", "4x3x2", "5"]
    );
    assert_eq!(shapes("1x2x2 => maxpool(2) => sigmoid 1"), ["1x1x1", "1"]);
}

#[test]
fn image_steps_mix_with_elementwise_ones_and_a_dense_layer_flattens() {
    // An image straight into a dense layer: flattened, 1·28·28 = 784 features.
    assert_eq!(shapes("1x28x28 => relu 128 => softmax 10"), ["128", "10"]);
    assert!(expansion("1x28x28 => relu 128 => softmax 10").contains("Dense < T , 784 , 128 >"));
    // Standalone activations and dropout keep the image, and so its shape.
    assert_eq!(
        shapes("1x6x6 => conv(2, 3x3) => tanh => dropout(0.25) => maxpool(2) => relu => sigmoid 1"),
        ["2x4x4", "2x4x4", "2x4x4", "2x2x2", "2x2x2", "1"]
    );
    let network = checked("1x6x6 => relu => conv(2, 3x3) relu => softmax 2");
    assert_eq!(network.input, 36);
    assert_eq!(
        network.image_in(1).map(|i| i.to_string()),
        Some("1x6x6".into())
    );
    assert!(network.steps[2].attached);
}

#[test]
fn architecture_is_the_declaration_in_canonical_form() {
    let canonical = "1x28x28 => conv(8, 5x5) relu => maxpool(2) => conv(16, 5x5) relu => \
                     maxpool(2) => relu 120 => softmax 10";
    assert_eq!(checked(LENET).architecture(), canonical);
    assert_eq!(checked(canonical).architecture(), canonical);
    assert_eq!(
        checked("3x8x8 => conv(4, 3x3, pad = 0) linear => conv(2, 3x3, pad = 1) => leaky_relu(0.2) => dropout(0.5) => sigmoid 1")
            .architecture(),
        "3x8x8 => conv(4, 3x3) identity => conv(2, 3x3, pad = 1) => leaky_relu(0.2) => dropout(0.5) => sigmoid 1"
    );
}

#[test]
fn lenet_fields_have_every_shape_in_their_types() {
    let expanded = expansion(LENET);
    for field in [
        "pub conv1 : :: nabla :: conv :: Conv2d < T , 784 , 4608 , 1 , 28 , 28 , 8 , 5 , 0 >",
        "pub act1 : :: nabla :: layer :: Activate < :: nabla :: activation :: Relu >",
        "pub pool1 : :: nabla :: pool :: MaxPool2d < 4608 , 1152 , 8 , 24 , 24 >",
        "pub conv2 : :: nabla :: conv :: Conv2d < T , 1152 , 1024 , 8 , 12 , 12 , 16 , 5 , 0 >",
        "pub act2 : :: nabla :: layer :: Activate < :: nabla :: activation :: Relu >",
        "pub pool2 : :: nabla :: pool :: MaxPool2d < 1024 , 256 , 16 , 8 , 8 >",
        "pub layer1 : :: nabla :: dense :: Dense < T , 256 , 120 >",
        "pub layer2 : :: nabla :: dense :: Dense < T , 120 , 10 >",
        // The trace keeps each step's cache.
        "pub conv1 : :: nabla :: conv :: ConvCache < T , 4608 >",
        "pub pool2 : :: nabla :: pool :: PoolCache < T , 256 >",
        "pub const INPUT_SHAPE : [usize ; 3] = [1 , 28 , 28] ;",
        "pub const WIDTHS : [usize ; 3] = [256 , 120 , 10] ;",
    ] {
        assert!(expanded.contains(field), "missing `{field}` in\n{expanded}");
    }
    let padded = expansion("1x6x6 => conv(2, 3x3, pad = 1) => softmax 2");
    assert!(
        padded.contains("Conv2d < T , 36 , 72 , 1 , 6 , 6 , 2 , 3 , 1 >"),
        "{padded}"
    );
}

#[test]
fn lenet_expansion_matches_snapshot() {
    check_snapshot(LENET, "lenet.expanded.rs");
}

/// A convolution picks He or Xavier by the activation applied to its output, as a dense layer
/// does by its own.
#[test]
fn convolutions_are_initialized_for_the_activation_after_them() {
    let init = |input: &str| {
        let expanded = expansion(input);
        let he = expanded.contains(
            "conv1 : :: nabla :: conv :: Conv2d :: new (:: nabla :: init :: Init :: He , rng)",
        );
        let xavier = expanded.contains(
            "conv1 : :: nabla :: conv :: Conv2d :: new (:: nabla :: init :: Init :: Xavier , rng)",
        );
        assert!(he != xavier, "{expanded}");
        if he { "He" } else { "Xavier" }
    };
    assert_eq!(init("1x6x6 => conv(2, 3x3) relu => softmax 2"), "He");
    assert_eq!(
        init("1x6x6 => conv(2, 3x3) => leaky_relu => softmax 2"),
        "He"
    );
    assert_eq!(
        init("1x6x6 => conv(2, 3x3) => maxpool(2) => relu6 => softmax 2"),
        "He"
    );
    assert_eq!(init("1x6x6 => conv(2, 3x3) tanh => softmax 2"), "Xavier");
    assert_eq!(
        init("1x6x6 => conv(2, 3x3) => relu 4 => softmax 2"),
        "Xavier"
    );
    // The convolutions' weights are drawn in order with the dense layers', before the rest.
    let expanded = expansion("1x6x6 => conv(2, 3x3) relu => maxpool(2) => relu 4 => softmax 2");
    let position = |name: &str| expanded.find(&format!("{name} : :: nabla ::")).unwrap();
    let new = &expanded[expanded.find("pub fn new").unwrap()..];
    let order = |name: &str| new.find(&format!("{name} : :: nabla ::")).unwrap();
    assert!(order("conv1") < order("layer1") && order("layer2") < order("act1"));
    assert!(order("act1") < order("pool1"));
    assert!(position("conv1") < position("act1"));
}

#[test]
fn a_kernel_that_does_not_fit_states_both_shapes() {
    assert_error(
        "1x12x12 => conv(8, 5x5) => maxpool(2) => conv(4, 5x5) => softmax 2",
        "a 5x5 kernel does not fit the 4x4 input of this layer (8x4x4 after the previous layer)",
    );
    assert_error(
        "1x4x4 => conv(8, 5x5) => softmax 2",
        "a 5x5 kernel does not fit the 4x4 input of this layer (the network's input is 1x4x4)",
    );
    assert_error(
        "1x2x2 => conv(8, 5x5, pad = 1) => softmax 2",
        "a 5x5 kernel does not fit the 4x4 input of this layer (2x2 padded by 1)",
    );
    // Too narrow only.
    assert_error(
        "1x9x4 => conv(8, 5x5) => softmax 2",
        "does not fit the 9x4 input",
    );
    assert_error(
        "1x4x4 => conv(8, 99999999999x99999999999, pad = 99999999998) => softmax 2",
        "too large",
    );
    assert_error(
        "1x28x28 => conv(99999999999, 5x5) => softmax 2",
        "too large",
    );
}

#[test]
fn pooling_needs_an_even_image_and_the_size_two() {
    assert_error(
        "1x9x9 => conv(8, 3x3) => maxpool(2) => softmax 2",
        "max-pooling 2x2 halves the image, but this input is 8x7x7: its height and width must be \
         even (7x7); pad the previous convolution or drop a row",
    );
    // The remedy names what made the odd shape, past the activation written after it.
    assert_error(
        "1x9x9 => conv(8, 3x3) relu => dropout(0.1) => maxpool(2) => softmax 2",
        "(7x7); pad the previous convolution",
    );
    assert_error("1x7x8 => maxpool(2) => softmax 2", "(7x8); crop the input");
    assert_error(
        "1x8x8 => relu => maxpool(2) => maxpool(2) => maxpool(2) => maxpool(2) => softmax 2",
        "this input is 1x1x1: its height and width must be even (1x1); pad a convolution",
    );
    assert_error(
        "1x8x8 => maxpool(3) => softmax 2",
        "only 2x2 max-pooling is supported",
    );
    assert_error("1x8x8 => maxpool(2.5) => softmax 2", "not `maxpool(2.5)`");
    assert_error("1x8x8 => maxpool(2x2) => softmax 2", "write `maxpool(2)`");
    assert_error("1x8x8 => maxpool => softmax 2", "needs its window size");
    assert_error(
        "1x8x8 => maxpool(2) 16 => softmax 2",
        "takes no width; remove `16`",
    );
}

#[test]
fn image_steps_need_an_image_before_them() {
    assert_error(
        "1x8x8 => relu 16 => conv(2, 3x3) => softmax 2",
        "a convolution needs an image, but it follows the dense layer `relu 16`, whose output is \
         16 flat features: put convolutions and max-pooling before the dense layers",
    );
    assert_error(
        "1x8x8 => tanh 16 => dropout(0.1) => maxpool(2) => softmax 2",
        "max-pooling needs an image, but it follows the dense layer `tanh 16`",
    );
    assert_error(
        "784 => conv(8, 5x5) relu => softmax 10",
        "a convolution needs an image, but the input `784` is flat: write its shape as \
         CHANNELSxHEIGHTxWIDTH, e.g. `1x28x28`",
    );
    assert_error("12 => relu => maxpool(2) => softmax 2", "e.g. `3x2x2`");
    assert_error(
        "10 => conv(1, 1x1) => softmax 2",
        "e.g. `1x28x28` (one channel",
    );
}

#[test]
fn image_inputs_are_three_positive_numbers() {
    assert_error(
        "0x28x28 => relu 2",
        "an image has at least 1 channel; `0x28x28` has 0",
    );
    assert_error("1x0x28 => relu 2", "at least 1x1 pixels; `1x0x28` is 0x28");
    assert_error(
        "28x28 => relu 2",
        "has 2 numbers: for one channel, write `1x28x28`",
    );
    assert_error("1x2x3x4 => relu 2", "has 4 numbers");
    assert_error(
        "1x28xfoo => relu 2",
        "expected an image shape CHANNELSxHEIGHTxWIDTH",
    );
    assert_error(
        "-1x28x28 => relu 2",
        "the input width must be a positive whole number",
    );
    assert_error("99999x99999x99999 => relu 2", "too many values");
    assert_error("784u8 => relu 2", "remove the suffix `u8`");
    assert_error(
        "1 x 28 x 28 => relu 2",
        "without spaces, as one token: `1x28x28`",
    );
    assert_error(
        "1x8x8 => conv(2, 3 x 3) => relu 2",
        "kernel size without spaces: `3x3`",
    );
}

#[test]
fn convolutions_are_written_with_channels_a_square_kernel_and_a_small_padding() {
    let cases = [
        (
            "conv(0, 3x3)",
            "the number of output channels must be at least 1",
        ),
        ("conv(-2, 3x3)", "must be a positive whole number, not `-2`"),
        ("conv(2.5, 3x3)", "whole number"),
        ("conv(2, 3)", "write the kernel size as `3x3`"),
        (
            "conv(2, 3x5)",
            "kernels are square: `3x5` is 3 by 5; write e.g. `3x3`",
        ),
        ("conv(2, 0x0)", "a kernel is at least 1x1 pixels"),
        ("conv(2, 3x3x3)", "expected the kernel size as KxK"),
        ("conv(2, 3.0)", "a kernel size counts pixels"),
        ("conv(2, relu)", "expected the kernel size"),
        (
            "conv(2)",
            "expected the kernel size after the channels: `conv(2, 5x5)`",
        ),
        ("conv()", "expected the output channels and the kernel size"),
        (
            "conv",
            "needs its output channels and kernel size in parentheses",
        ),
        ("conv(2, 3x3, stride = 2)", "unknown option `stride`"),
        ("conv(2, 3x3, pad 1)", "write the padding as `pad = N`"),
        ("conv(2, 3x3, pad = 1.5)", "the padding is a whole number"),
        (
            "conv(2, 3x3, pad = 1u8)",
            "the padding is a plain whole number",
        ),
        (
            "conv(2, 3x3, pad = 3)",
            "the padding must be less than 3 (`pad = 1` keeps",
        ),
        (
            "conv(2, 3x3, pad = 1, 2)",
            "expected `)`: a convolution takes its channels",
        ),
        ("conv(2, 3x3, 1)", "expected `pad = N`"),
        (
            "conv(2, 3x3) relu 120",
            "takes no width; for a dense layer, write `=> relu 120`",
        ),
        (
            "conv(2, 3x3) batchnorm",
            "`batchnorm` is a layer of its own: write `=> batchnorm`",
        ),
        ("conv(2, 3x3) maxpool(2)", "write `=> maxpool(2)`"),
        ("conv(2, 3x3) dropout(0.5)", "write `=> dropout(0.5)`"),
        ("conv(2, 3x3) softmax", "can only be the output layer"),
        ("conv(2, 3x3) rleu", "did you mean `relu`"),
        ("conv(2, 3x3) rleu 8", "did you mean `relu`"),
        (
            "conv(2, 3x3) softmax 8",
            "for a dense layer, write `=> softmax 8` after it",
        ),
        ("conv(2, 3x3) tanh(2)", "takes no argument"),
    ];
    for (conv, expected) in cases {
        assert_error(&format!("1x8x8 => {conv} => softmax 2"), expected);
    }
    assert_eq!(
        shapes("1x8x8 => conv(2, 3x3, pad = 1,) => softmax 2"),
        ["2x8x8", "2"]
    );
}

#[test]
fn the_last_step_is_still_a_dense_layer_and_batchnorm_stays_off_images() {
    assert_error(
        "1x8x8 => conv(2, 3x3)",
        "a convolution outputs an image (2x6x6)",
    );
    assert_error("1x8x8 => conv(2, 3x3) relu", "must end with a dense layer");
    assert_error(
        "1x8x8 => maxpool(2)",
        "max-pooling outputs an image (1x4x4)",
    );
    assert_error(
        "1x8x8 => conv(2, 3x3) => batchnorm => relu 4",
        "`batchnorm` on an image (2x6x6) would normalize each of its 72 values on its own, not \
         each channel as PyTorch's BatchNorm2d does; channel-wise batch norm is not supported yet",
    );
    assert_error("1x8x8 => batchnorm => relu 4", "on an image (1x8x8)");
    // After a dense layer it is the usual batch norm.
    assert_eq!(
        shapes("1x8x8 => relu 4 => batchnorm => sigmoid 1"),
        ["4", "4", "1"]
    );
}

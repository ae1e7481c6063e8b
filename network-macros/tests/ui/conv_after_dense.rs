//! A convolution after a dense layer, which has flattened the image: the error is at `conv`.
use nabla::network;

network! {
    pub struct Net: 1x28x28 => relu 120 => conv(8, 5x5) relu => softmax 10
}

fn main() {}

// The macro crate under the name a learner writes, `nabla`: these errors are the macro's own.
extern crate nabla_network_macros as nabla;

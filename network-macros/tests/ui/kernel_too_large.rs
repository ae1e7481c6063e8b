//! A kernel larger than the image it slides over: the error is at the kernel and states both
//! shapes.
use nabla::network;

network! {
    pub struct Net: 1x12x12 => conv(8, 5x5) relu => maxpool(2) => conv(16, 5x5) relu => softmax 10
}

fn main() {}

// The macro crate under the name a learner writes, `nabla`: these errors are the macro's own.
extern crate nabla_network_macros as nabla;

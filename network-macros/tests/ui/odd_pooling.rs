//! Max-pooling an image of odd height and width: the error is at `maxpool` and states the
//! shape.
use nabla::network;

network! {
    pub struct Net: 1x9x9 => conv(8, 3x3) relu => maxpool(2) => softmax 10
}

fn main() {}

// The macro crate under the name a learner writes, `nabla`: these errors are the macro's own.
extern crate nabla_network_macros as nabla;

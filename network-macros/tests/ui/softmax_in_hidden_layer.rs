nabla::network! { pub struct Net: 784 => softmax 128 => relu 10 }

fn main() {}

// The macro crate under the name a learner writes, `nabla`: these errors are the macro's own.
extern crate nabla_network_macros as nabla;

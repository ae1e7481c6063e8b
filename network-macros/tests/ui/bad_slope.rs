nabla::network! { pub struct Net: 2 => leaky_relu(1.5) 8 => sigmoid 1 }

fn main() {}

// The macro crate under the name a learner writes, `nabla`: these errors are the macro's own.
extern crate nabla_network_macros as nabla;

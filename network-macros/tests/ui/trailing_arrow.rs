nabla::network! { pub struct Net: 784 => relu 128 => }

fn main() {}

// The macro crate under the name a learner writes, `nabla`: these errors are the macro's own.
extern crate nabla_network_macros as nabla;

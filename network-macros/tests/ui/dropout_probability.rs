nabla::network! { pub struct Net: 784 => relu 256 => dropout(1.5) => softmax 10 }

fn main() {}

// The macro crate under the name a learner writes, `nabla`: these errors are the macro's own.
extern crate nabla_network_macros as nabla;

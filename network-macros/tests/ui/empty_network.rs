fn main() {
    let _net = nabla::network!();
}

// The macro crate under the name a learner writes, `nabla`: these errors are the macro's own.
extern crate nabla_network_macros as nabla;

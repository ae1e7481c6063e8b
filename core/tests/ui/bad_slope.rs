nabla::network! { pub struct Net: 2 => leaky_relu(1.5) 8 => sigmoid 1 }

fn main() {}

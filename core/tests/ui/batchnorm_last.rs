nabla::network! { pub struct Net: 784 => relu 256 => batchnorm }

fn main() {}

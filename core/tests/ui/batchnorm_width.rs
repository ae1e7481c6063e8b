nabla::network! { pub struct Net: 784 => relu 256 => batchnorm 128 => softmax 10 }

fn main() {}

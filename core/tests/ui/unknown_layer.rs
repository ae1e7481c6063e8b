nabla::network! { pub struct Net: 784 => relu 256 => batchnrom => softmax 10 }

fn main() {}

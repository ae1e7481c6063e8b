nabla::network! { pub struct Net: 784 => softmax 128 => relu 10 }

fn main() {}

nabla::network! { pub struct Net: 784 => relu 0 => softmax 10 }

fn main() {}

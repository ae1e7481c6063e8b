nabla::network! { pub struct Net: 784 => relu 12.5 => softmax 10 }

fn main() {}

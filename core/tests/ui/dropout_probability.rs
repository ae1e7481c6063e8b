nabla::network! { pub struct Net: 784 => relu 256 => dropout(1.5) => softmax 10 }

fn main() {}

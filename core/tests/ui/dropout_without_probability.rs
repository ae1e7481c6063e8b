nabla::network! { pub struct Net: 784 => relu 256 => dropout => softmax 10 }

fn main() {}

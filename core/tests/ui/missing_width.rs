nabla::network! { pub struct Net: 784 => relu 128 => softmax }

fn main() {}

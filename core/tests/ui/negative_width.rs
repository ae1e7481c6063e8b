nabla::network! { pub struct Net: 784 => relu -8 => softmax 10 }

fn main() {}

nabla::network! { pub struct Net: 784 => relu => softmax 10 }

fn main() {}

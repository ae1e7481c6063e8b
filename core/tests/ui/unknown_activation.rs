nabla::network! { pub struct Net: 784 => rleu 128 => softmax 10 }

fn main() {}

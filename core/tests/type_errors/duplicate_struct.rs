//! The same name declared twice in one module, say after copying a declaration to change it.
nabla::network! { pub struct Net: 2 => softmax 2 }
nabla::network! { pub struct Net: 3 => relu 4 => sigmoid 1 }

fn main() {}

nabla::network! { pub struct Net: 784 => relu 256 => dropout(0.2) }

fn main() {}

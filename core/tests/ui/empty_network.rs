fn main() {
    let _net = nabla::network!();
}

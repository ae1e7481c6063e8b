//! Hand-wired layers: a 128-wide output cannot feed a 100-wide input.
use nabla::Batch;
use nabla::dense::Dense;

fn main() {
    let hidden = Dense::<f32, 784, 128>::zeros();
    let output = Dense::<f32, 100, 10>::zeros();
    let pixels = Batch::<f32, 784>::zeros(1);
    let features = hidden.forward(&pixels);
    let _scores = output.forward(&features);
}

//! Feeds arbitrary bytes to the safetensors model loader: it must return a value or an error,
//! never panic, and a failed load must leave the network unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nabla::model_file::from_bytes;
use nabla::network::Parameters;

nabla::network! {
    struct Small: 3 => relu 4 => softmax 2
}

fuzz_target!(|bytes: &[u8]| {
    let mut network = Small::<f32>::zeros();
    let before = network.clone();
    if from_bytes(bytes, &mut network).is_err() {
        assert!(network == before, "a failed load changed the network");
    }
    let mut wide = Small::<f64>::zeros();
    let _ = from_bytes(bytes, &mut wide);
    let _ = wide.parameter_count();
});

//! Feeds arbitrary bytes to the IDX parser, as both a label file and an image file, and through
//! the gzip layer: it must return a value or an error, never panic or read out of bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nabla::data::idx::{IMAGES_MAGIC, LABELS_MAGIC, parse, read};
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("fuzz.idx");
    for magic in [LABELS_MAGIC, IMAGES_MAGIC] {
        if let Ok(idx) = parse(bytes, magic, path) {
            let expected: usize = idx.dimensions.iter().product();
            assert_eq!(idx.data.len(), expected, "accepted data must match its header");
        }
    }
    // The same bytes as a gzipped file on disk (exercises the decoder's error paths too).
    let file = std::env::temp_dir().join(format!("nabla-fuzz-{}.idx.gz", std::process::id()));
    if std::fs::write(&file, bytes).is_ok() {
        let _ = read(&file, IMAGES_MAGIC);
    }
});

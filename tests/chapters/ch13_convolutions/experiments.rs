//! The chapter's opening claim on a small seeded subset of MNIST: permuting the pixels of every
//! image by one fixed permutation costs an MLP nothing and a CNN a large part of its accuracy.
//! A convolution that ignored which pixel lies next to which (a broken unrolling, say) would
//! lose nothing either.

use chapters::ch13_convolutions::permuted::compare;
use nabla::data::mnist;

#[test]
fn a_cnn_loses_accuracy_on_permuted_pixels_and_an_mlp_does_not() {
    // The 10,000 test images load in a sixth of the training set's time; the first 600 train
    // and the next 400 score.
    let dir = mnist::default_dir();
    let digits = mnist::load_split(&dir.join(mnist::TEST_IMAGES), &dir.join(mnist::TEST_LABELS))
        .expect("MNIST in data/mnist");
    let all = digits.to_dataset::<f32>();
    let indices: Vec<usize> = (0..1000).collect();
    let (train, test) = (all.subset(&indices[..600]), all.subset(&indices[600..]));
    let scores = compare(6, &train, &test, 3).expect("trains");
    eprintln!("{scores:?}");
    let (mlp, mlp_permuted) = scores.mlp;
    let (cnn, cnn_permuted) = scores.cnn;
    assert!(cnn > 0.8, "{scores:?}");
    assert!(cnn > cnn_permuted + 0.1, "{scores:?}");
    assert!((mlp - mlp_permuted).abs() < 0.03, "{scores:?}");
}

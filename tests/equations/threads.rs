//! The thread count changes the time of training, never its numbers: the dense layers cut their
//! products into column ranges, the optimizer its parameters into runs, the batch gathering its
//! samples, and each number is still computed by the same operations.

use nabla::Batch;
use nabla::batch::one_hot;
use nabla::data::Dataset;
use nabla::loss::SoftmaxCrossEntropy;
use nabla::network;
use nabla::network::Parameters;
use nabla::optim::Adam;
use nabla::parallel::Threads;
use nabla::train::Trainer;
use nabla_tests::seeded;
use rand::Rng;

network! {
    /// Wide enough for every pass to be split: 64 samples × 784 × 64 multiply-adds per product,
    /// 50,176 weights in the first layer.
    struct Wide: 784 => relu 64 => softmax 10
}

/// 192 images of 784 pixels, four in five of them zero (as in MNIST), labelled by which tenth
/// of the image is brightest.
fn sparse_images() -> Dataset<f32, 784, 10> {
    let mut rng = seeded(21);
    let inputs = Batch::<f32, 784>::from_fn(192, |_, _| {
        if rng.random_bool(0.2) {
            rng.random()
        } else {
            0.0
        }
    });
    let labels: Vec<u8> = inputs
        .column_iter()
        .map(|column| {
            let tenth = |t: usize| column.rows(t * 78, 78).sum();
            (0..10)
                .max_by(|&a, &b| tenth(a).total_cmp(&tenth(b)))
                .unwrap_or(0) as u8
        })
        .collect();
    Dataset::new(inputs, one_hot(&labels))
}

/// The weights after two epochs of Adam in batches of 64, trained on `threads` threads.
fn weights_on(threads: usize) -> Vec<u32> {
    Threads::new(threads).unwrap().run(|| {
        let data = sparse_images();
        let mut rng = seeded(5);
        let mut network = Wide::<f32>::new(&mut rng);
        let mut trainer = Trainer::new(&network);
        let mut adam = Adam::new(1e-3);
        for _ in 0..2 {
            let report = trainer
                .epoch(
                    &mut network,
                    &SoftmaxCrossEntropy,
                    &mut adam,
                    &data,
                    64,
                    &mut rng,
                    &mut || {},
                )
                .expect("training works");
            assert!(report.mean_loss.is_finite());
        }
        let mut bits = Vec::new();
        network.visit(&mut |tensor| bits.extend(tensor.iter().map(|w| w.to_bits())));
        bits
    })
}

#[test]
fn mlp_training_gives_the_same_bits_on_any_number_of_threads() {
    let one = weights_on(1);
    let untrained = {
        let mut bits = Vec::new();
        Wide::<f32>::new(&mut seeded(5)).visit(&mut |t| bits.extend(t.iter().map(|w| w.to_bits())));
        bits
    };
    assert_ne!(one, untrained, "training changed the weights");
    for threads in [2, 3] {
        assert!(
            weights_on(threads) == one,
            "{threads} threads trained other weights than one thread"
        );
    }
}

//! The two networks the chapter trains: XOR and the three blobs.

use super::*;

#[test]
fn ch06_xor_network_learns_xor() {
    // The chapter's seed and four others: every run classifies all four points and ends with a
    // small loss.
    for seed in [SEED, 0, 1, 2, 3] {
        let xor = train_xor(seed);
        let loss = xor.final_loss(&SigmoidBinaryCrossEntropy);
        assert_eq!(xor.accuracy(), 1.0, "seed {seed}");
        assert!(loss < 0.01, "seed {seed}: loss {loss}");
        assert!(loss < xor.losses[0] / 20.0, "seed {seed}");
    }
}

#[test]
fn ch06_blobs_network_separates_the_middle_blob() {
    // The middle blob's class lies between the other two: no straight line separates them,
    // so a linear classifier can get at most about two thirds right; the network gets 90%.
    assert_eq!(BLOB_CENTRES.len(), 3);
    for seed in [SEED, 0, 1] {
        let blobs = train_blobs(seed);
        let accuracy = blobs.accuracy();
        let loss = blobs.final_loss(&SoftmaxCrossEntropy);
        assert!(accuracy >= 0.9, "seed {seed}: accuracy {accuracy}");
        assert!(loss < 0.25, "seed {seed}: loss {loss}");

        // The same training without the hidden layer: a straight boundary.
        let linear = train_linear(seed);
        assert_eq!(linear.data, blobs.data, "the same points");
        assert!(
            linear.accuracy() < 0.75,
            "seed {seed}: {}",
            linear.accuracy()
        );
    }
}

//! The convolutional networks of chapter 13, declared once, so that the chapter, the CNN
//! benchmark (`nabla bench --model cnn`) and PyTorch's script (`tools/pytorch_bench.py --model
//! lenet`, with `--channels 16,32` for the wide one) train the same architectures.

nabla::network! {
    /// LeNet-style: two 5×5 convolutions with ReLU, each followed by 2×2 max-pooling, then a
    /// dense ReLU layer of 120 units and the 10 classes (35,474 parameters).
    pub struct LeNet: 1x28x28 => conv(8, 5x5) relu => maxpool(2) => conv(16, 5x5) relu => maxpool(2) => relu 120 => softmax 10
}

// ANCHOR: wide
nabla::network! {
    /// LeNet with twice the channels: 16 kernels of 5 × 5, then 32 (76,018 parameters). The
    /// network chapter 13 trains past 99%.
    pub struct WideLeNet: 1x28x28 => conv(16, 5x5) relu => maxpool(2) => conv(32, 5x5) relu => maxpool(2) => relu 120 => softmax 10
}
// ANCHOR_END: wide

//! The convolutional network of chapter 13 and of the CNN benchmark, declared once, so that the
//! chapter, `nabla bench` and PyTorch's script (`tools/pytorch_bench.py --model lenet`) train
//! the same architecture.

nabla::network! {
    /// LeNet-style: two 5×5 convolutions with ReLU, each followed by 2×2 max-pooling, then a
    /// dense ReLU layer of 120 units and the 10 classes (35,474 parameters).
    pub struct LeNet: 1x28x28 => conv(8, 5x5) relu => maxpool(2) => conv(16, 5x5) relu => maxpool(2) => relu 120 => softmax 10
}

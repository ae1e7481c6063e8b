#!/usr/bin/env python3
"""Times PyTorch (CPU) on the recipes nabla benchmarks, for a side-by-side comparison.

Trains on the MNIST files in data/mnist/ with the same architecture, optimizer, batch size and
pixel scaling as nabla's benchmark, and prints the seconds of each epoch, the median of the
steady epochs (every epoch but the first, when there are several), samples per second, and the
test accuracy. The Rust code and its tests do not need this script; run it beside
`cargo run --release -- bench` to compare the two on one machine.

    pip install torch numpy
    python3 tools/pytorch_bench.py --model mlp              # 784 => relu 128 => softmax 10
    python3 tools/pytorch_bench.py --model lenet            # 1x28x28 => conv(8, 5x5) relu => maxpool(2)
                                                            #   => conv(16, 5x5) relu => maxpool(2)
                                                            #   => relu 120 => softmax 10
    python3 tools/pytorch_bench.py --model lenet --channels 16,32 --hidden 128 --threads 1

Both use Adam (learning rate 0.001, PyTorch's defaults otherwise), mini-batches of 64 drawn in
a fresh random order each epoch, and the mean softmax cross-entropy.
"""

import argparse
import gzip
import pathlib
import statistics
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent


def read_idx(path):
    """The array in a gzipped IDX file (MNIST's format)."""
    data = gzip.decompress(path.read_bytes())
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        sys.exit(f"error: {path} is not an IDX file")
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    if body.size != int(np.prod(shape)):
        sys.exit(f"error: {path} holds {body.size} bytes, its header says {shape}")
    return body.reshape(shape)


def load(data_dir, split):
    """Images scaled to [0, 1] as float32 (N, 1, 28, 28), and labels as int64."""
    images = read_idx(data_dir / f"{split}-images-idx3-ubyte.gz")
    labels = read_idx(data_dir / f"{split}-labels-idx1-ubyte.gz")
    return images.astype(np.float32)[:, None] / 255.0, labels.astype(np.int64)


def build(torch, args):
    nn = torch.nn
    if args.model == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    c1, c2 = (int(c) for c in args.channels.split(","))
    side = ((28 - 4) // 2 - 4) // 2  # two 5x5 convolutions, each followed by 2x2 pooling
    return nn.Sequential(
        nn.Conv2d(1, c1, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(c2 * side * side, args.hidden), nn.ReLU(),
        nn.Linear(args.hidden, 10),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=["mlp", "lenet"], default="lenet")
    parser.add_argument("--channels", default="8,16", help="the two convolutions' channels")
    parser.add_argument("--hidden", type=int, default=120, help="the dense hidden layer's width")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=pathlib.Path, default=ROOT / "data" / "mnist")
    args = parser.parse_args()
    if args.epochs < 1 or args.batch_size < 1 or args.threads < 1 or args.lr <= 0:
        sys.exit("error: --epochs, --batch-size and --threads must be at least 1, --lr positive")

    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y = (torch.from_numpy(a) for a in load(args.data, "train"))
    test_x, test_y = (torch.from_numpy(a) for a in load(args.data, "t10k"))
    model = build(torch, args)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    count = sum(p.numel() for p in model.parameters())
    print(f"PyTorch {torch.__version__}, {args.threads} thread(s), {args.model}, "
          f"{count} parameters, batch {args.batch_size}, Adam lr {args.lr}")

    seconds = []
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(train_x))
        model.train()
        start = time.perf_counter()
        for first in range(0, len(order), args.batch_size):
            batch = order[first : first + args.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(train_x[batch]), train_y[batch])
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
        print(f"epoch {epoch}: {seconds[-1]:.3f} s, last batch's loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        correct = sum(
            (model(test_x[i : i + 1000]).argmax(1) == test_y[i : i + 1000]).sum().item()
            for i in range(0, len(test_x), 1000)
        )
    steady = statistics.median(seconds[1:] if len(seconds) > 1 else seconds)
    print(f"steady epoch {steady:.3f} s, {len(train_x) / steady:.0f} samples/s, "
          f"test accuracy {correct / len(test_x):.2%}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generate the PyTorch fixture for nabla's convolutional layers (tests/model_file/cnn.rs).

    pip install torch safetensors
    python3 tools/cnn_fixture.py                   # writes the two files under tests/fixtures/
    python3 tools/cnn_fixture.py --verify FILE     # loads a CNN saved by nabla into PyTorch

The network, in float64 so that the Rust test can compare to ~1e-12:

    1x8x10 => conv(2, 3x3) relu => maxpool(2) => conv(3, 3x3, padding 1) relu => linear 4

(the images are not square, so a height/width mix-up cannot pass). Its weights are PyTorch's
default initialization under a fixed seed, and the input is a fixed batch of 5 uniform images.

Written files:
- tests/fixtures/cnn_weights.safetensors: the state dict, exactly as PyTorch names and lays out
  its tensors (conv1.weight [2, 1, 3, 3], conv1.bias [2], conv2.weight [3, 2, 3, 3], conv2.bias
  [3], linear.weight [4, 36], linear.bias [4]); nabla's struct of layers has fields of the same
  names, so it loads the file unchanged.
- tests/fixtures/cnn_io.safetensors: one-dimensional tensors (row-major flattenings) `input`
  (5 x 1 x 8 x 10, NCHW, which is nabla's batch layout column by column), `logits` (5 x 4,
  PyTorch's output) and `conv2_weight_row_major` (a copy of conv2.weight, for a layout check),
  with the shapes in the metadata.

--verify FILE loads FILE (saved by nabla::model_file::save from the network loaded with the
fixture's weights) into the PyTorch model with load_state_dict(strict=True) and checks that it
gives the fixture's logits: a CNN saved by nabla loads in PyTorch with the same predictions.
"""

import argparse
import pathlib

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures"
WEIGHTS = FIXTURES / "cnn_weights.safetensors"
IO = FIXTURES / "cnn_io.safetensors"
SEED = 13
SAMPLES = 5


class SmallCnn(torch.nn.Module):
    """1x8x10 => conv(2, 3x3) relu => maxpool(2) => conv(3, 3x3, padding 1) relu => linear 4."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 2, 3)  # 1x8x10 -> 2x6x8
        self.conv2 = torch.nn.Conv2d(2, 3, 3, padding=1)  # 2x3x4 -> 3x3x4
        self.linear = torch.nn.Linear(3 * 3 * 4, 4)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # -> 2x3x4
        x = F.relu(self.conv2(x))
        return self.linear(x.flatten(1))  # flatten: channel, row, column (NCHW)


def build():
    torch.manual_seed(SEED)
    model = SmallCnn().double()
    inputs = torch.rand(SAMPLES, 1, 8, 10, dtype=torch.float64)
    return model, inputs


def generate():
    model, inputs = build()
    with torch.no_grad():
        logits = model(inputs)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, WEIGHTS, metadata={"format": "pt"})
    io = {
        "input": inputs.flatten().contiguous(),
        "logits": logits.flatten().contiguous(),
        "conv2_weight_row_major": model.conv2.weight.detach().flatten().contiguous(),
    }
    metadata = {
        "format": "pt",
        "input_shape": str(list(inputs.shape)),
        "logits_shape": str(list(logits.shape)),
        "conv2_weight_shape": str(list(model.conv2.weight.shape)),
        "generator": f"tools/cnn_fixture.py, torch {torch.__version__}, seed {SEED}",
    }
    save_file(io, IO, metadata=metadata)
    print(f"wrote {WEIGHTS} and {IO}")
    print("logits:\n", logits)


def verify(path):
    model, inputs = build()
    model.load_state_dict(load_file(path), strict=True)
    expected = load_file(IO)["logits"].reshape(SAMPLES, 4)
    with torch.no_grad():
        logits = model(inputs)
    error = (logits - expected).abs().max().item()
    print(f"{path}: largest difference from the fixture's logits {error:.3e}")
    if error > 1e-12:
        raise SystemExit("the file saved by nabla does not reproduce PyTorch's logits")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verify", metavar="FILE", help="a CNN saved by nabla to load in PyTorch")
    args = parser.parse_args()
    if args.verify:
        verify(args.verify)
    else:
        generate()

#!/usr/bin/env python3
"""Load an MNIST model saved by nabla (safetensors) with NumPy alone and measure its accuracy.

    python3 tools/load_safetensors.py MODEL.safetensors [--data data/mnist]

The safetensors header is parsed by hand (8-byte little-endian length, then JSON), so only NumPy
is needed. Weights follow PyTorch's nn.Linear layout: `layerN.weight` is [out, in] (row-major),
`layerN.bias` is [out]. The forward pass is `relu(x W1ᵀ + b1) W2ᵀ + b2`, then argmax; softmax does
not change the argmax, so it is skipped.
"""

import argparse
import gzip
import json
import pathlib
import struct

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64}


def load_safetensors(path):
    """Returns ({name: array}, metadata) for a safetensors file."""
    raw = pathlib.Path(path).read_bytes()
    (header_length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_length])
    metadata = header.pop("__metadata__", {})
    data = raw[8 + header_length :]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(entry["shape"])
    return tensors, metadata


def read_idx(path):
    """Reads a gzipped IDX file (MNIST's format) into a uint8 array."""
    raw = gzip.open(path, "rb").read()
    dimensions = raw[3]
    shape = struct.unpack(">" + "I" * dimensions, raw[4 : 4 + 4 * dimensions])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dimensions).reshape(shape)


def main():
    repository = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a .safetensors file saved by nabla::model_file::save")
    parser.add_argument("--data", default=repository / "data" / "mnist", type=pathlib.Path)
    args = parser.parse_args()

    tensors, metadata = load_safetensors(args.model)
    print(f"architecture: {metadata.get('architecture', '?')}")
    for name, tensor in tensors.items():
        print(f"  {name}: {tensor.dtype} {list(tensor.shape)}")

    images = read_idx(args.data / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(args.data / "t10k-labels-idx1-ubyte.gz")
    dtype = tensors["layer1.weight"].dtype
    # The same scaling as nabla: pixel * (1/255), in the model's precision.
    x = images.reshape(len(images), -1).astype(dtype) * dtype.type(1.0 / 255.0)

    layers = sorted({name.split(".")[0] for name in tensors}, key=lambda n: int(n[len("layer"):]))
    for i, layer in enumerate(layers):
        x = x @ tensors[f"{layer}.weight"].T + tensors[f"{layer}.bias"]
        if i + 1 < len(layers):
            x = np.maximum(x, 0)  # ReLU on every hidden layer
    accuracy = float(np.mean(x.argmax(axis=1) == labels))
    print(f"test accuracy: {accuracy} ({int(round(accuracy * len(labels)))}/{len(labels)})")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Export torchvision's VGG-16 to ONNX, with reference logits, for provlrp.

What it does
------------
Builds VGG-16 with torchvision's own classes (``torchvision.models.vgg.VGG``
and ``make_layers`` with configuration "D"), so that module names are
torchvision's: ``features.0`` ... ``features.30`` (Conv2d, ReLU, MaxPool2d),
``avgpool`` (AdaptiveAvgPool2d(7)), ``classifier.0`` ... ``classifier.6``
(Linear, ReLU, Dropout).  Then it

* fills the parameters: from a local ``.pth`` state dict (``--weights``, e.g.
  torchvision's ``vgg16-397923af.pth``; nothing is downloaded), or with random
  weights drawn exactly as torchvision initialises VGG (Kaiming-normal
  fan-out convolutions, N(0, 0.01) linear weights, zero biases) from
  ``torch.manual_seed(--seed)``; ``--bias-std S`` draws the biases from
  N(0, S) instead, so that a test can see them;
* exports it in eval mode with ``torch.onnx.export`` (input ``input``
  [N, 3, 224, 224], output ``logits`` [N, classes], dynamic batch);
* writes, beside the model, ``<stem>.input.bin`` (float32 raw little-endian,
  C order: sample 0 ~ U[0, 1), the others ~ N(0, 1)), ``<stem>.logits.bin``
  (the module evaluated in float64, cast to float32) and a small
  ``<stem>.manifest.json``;
* checks the file with ``onnx.checker.check_model``.

``--width-divisor d`` divides every channel count and the classifier's hidden
width (4096) by d (d must divide 64), keeping the layer structure and names:
a slim VGG-16 for tests.  With d = 1 the module's parameter names and shapes
are checked against ``torchvision.models.vgg16()``.

The default output, ``models/external/``, is git-ignored: the full model is
553 MB and is never committed.

How to run
----------
From the repository root, with Debian's ``python3-torch``, ``python3-onnx``
and ``python3-torchvision``::

    /usr/bin/python3 scripts/export-vgg16.py                 # random, seed 0
    /usr/bin/python3 scripts/export-vgg16.py --weights vgg16-397923af.pth
    /usr/bin/python3 scripts/export-vgg16.py --width-divisor 8 --num-classes 100 \\
        --bias-std 0.05 --out test/fixtures/vgg16-slim/vgg16-slim.onnx
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision
from torchvision.models.vgg import VGG, cfgs, make_layers

from reference_export import export_with_logits, reference_batch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DIR = os.path.join(ROOT, "models", "external")
GENERATOR = "scripts/export-vgg16.py"


def build_vgg16(width_divisor: int, num_classes: int) -> VGG:
    """torchvision's VGG-16 (configuration "D"), channels and hidden width divided."""
    cfg = [v if v == "M" else v // width_divisor for v in cfgs["D"]]
    model = VGG(make_layers(cfg), num_classes=num_classes, init_weights=False)
    if width_divisor != 1:
        channels, hidden = 512 // width_divisor, 4096 // width_divisor
        # The same Sequential as torchvision's VGG.__init__, with the widths divided.
        model.classifier = nn.Sequential(
            nn.Linear(channels * 7 * 7, hidden),
            nn.ReLU(True),
            nn.Dropout(p=0.5),
            nn.Linear(hidden, hidden),
            nn.ReLU(True),
            nn.Dropout(p=0.5),
            nn.Linear(hidden, num_classes),
        )
    return model


def initialise_like_torchvision(model: nn.Module, bias_std: float) -> None:
    """torchvision's VGG initialisation; biases from N(0, bias_std) when bias_std > 0."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0, 0.01)
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if bias_std > 0:
                nn.init.normal_(m.bias, 0, bias_std)
            else:
                nn.init.constant_(m.bias, 0)


def load_weights(model: nn.Module, path: str) -> None:
    """Loads a local state dict (a plain one, or one under a "state_dict" key)."""
    state = torch.load(path, map_location="cpu")
    if isinstance(state, dict) and "state_dict" in state:
        state = state["state_dict"]
    if not isinstance(state, dict):
        sys.exit(f"export-vgg16: {path} does not hold a state dict; save one with torch.save(model.state_dict(), path)")
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        first = lines[1] if len(lines) > 1 else lines[0]
        sys.exit(
            f"export-vgg16: {path} does not fit this VGG-16 ({len(lines) - 1} problem(s), the first: {first}); "
            "check --width-divisor and --num-classes"
        )


def check_against_torchvision(model: nn.Module, num_classes: int) -> None:
    """With width divisor 1, parameter names and shapes must be torchvision's vgg16()'s."""
    ours = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    theirs = {k: tuple(v.shape) for k, v in torchvision.models.vgg16(num_classes=num_classes).state_dict().items()}
    if ours != theirs:
        sys.exit("export-vgg16: the model differs from torchvision.models.vgg16(); this is a bug of the script")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width-divisor", type=int, default=1, help="divide every width by this (a divisor of 64)")
    parser.add_argument("--num-classes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0, help="seed of the random weights and the input batch")
    parser.add_argument("--bias-std", type=float, default=0.0, help="random biases N(0, S) instead of zeros")
    parser.add_argument("--weights", help="a local .pth state dict to export instead of random weights")
    parser.add_argument("--samples", type=int, default=2, help="samples in the reference batch")
    parser.add_argument("--opset", type=int, default=13)
    parser.add_argument("--out", help="the .onnx file to write (default models/external/vgg16[-wD].onnx)")
    args = parser.parse_args()
    if args.width_divisor < 1 or 64 % args.width_divisor != 0:
        parser.error(f"--width-divisor must divide 64 (1, 2, 4, …, 64), got {args.width_divisor}")
    if args.num_classes < 1 or args.samples < 1 or args.bias_std < 0:
        parser.error("--num-classes and --samples must be positive and --bias-std non-negative")
    if args.out is None:
        suffix = "" if args.width_divisor == 1 else f"-w{args.width_divisor}"
        args.out = os.path.join(DEFAULT_DIR, f"vgg16{suffix}.onnx")
    return args


def main() -> None:
    args = parse_arguments()
    model = build_vgg16(args.width_divisor, args.num_classes)
    if args.width_divisor == 1:
        check_against_torchvision(model, args.num_classes)
    torch.manual_seed(args.seed)
    if args.weights:
        load_weights(model, args.weights)
    else:
        initialise_like_torchvision(model, args.bias_std)
    model.eval()

    batch = reference_batch(args.samples, args.seed)
    stem, logits = export_with_logits(model, batch, args.out, args.opset)
    out = f"{stem}.onnx"

    graph = onnx.load(out, load_external_data=False).graph
    manifest = {
        "generator": GENERATOR,
        "command": " ".join(["/usr/bin/python3", GENERATOR, *sys.argv[1:]]),
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "onnx_version": onnx.__version__,
        "model": os.path.basename(out),
        "opset": args.opset,
        "width_divisor": args.width_divisor,
        "num_classes": args.num_classes,
        "weights": os.path.basename(args.weights) if args.weights else f"random (torchvision's init), seed {args.seed}",
        "bias_std": 0.0 if args.weights else args.bias_std,
        "input_name": "input",
        "output_name": "logits",
        "format": "float32 raw little-endian, C order, NCHW; logits from the module in float64",
        "input": {"file": os.path.basename(f"{stem}.input.bin"), "shape": list(batch.shape)},
        "logits": {"file": os.path.basename(f"{stem}.logits.bin"), "shape": list(logits.shape)},
        "parameters": {k: list(v.shape) for k, v in model.state_dict().items()},
        "onnx_nodes": [[node.name, node.op_type] for node in graph.node if node.op_type != "Identity"],
    }
    with open(f"{stem}.manifest.json", "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    size = os.path.getsize(out) / 2**20
    print(f"export-vgg16: {out} ({size:.1f} MiB), logits {list(logits.shape)}, max|logit| {logits.abs().max():.4g}")


if __name__ == "__main__":
    main()

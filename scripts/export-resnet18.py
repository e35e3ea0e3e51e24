#!/usr/bin/python3
"""Export torchvision's resnet18 to ONNX, with reference logits, for provlrp's benchmarks.

What it does
------------
Builds ``torchvision.models.resnet18()`` (module names are torchvision's:
``conv1``, ``bn1``, ``layer1.0.conv1``, ..., ``fc``), draws its parameters with
torchvision's own initialisation from ``torch.manual_seed(--seed)`` (random
weights: nothing is downloaded; ``--weights`` loads a local state dict
instead), gives every BatchNorm random running statistics (mean ~ N(0, 0.1),
variance ~ U[0.5, 1.5), so that the folded BatchNorms are not identities), and
exports it in eval mode with ``torch.onnx.export`` (input ``input``
[N, 3, 224, 224], output ``logits`` [N, 1000], dynamic batch). Beside the model
it writes ``<stem>.input.bin`` (float32 raw little-endian, C order, sample 0 ~
U[0, 1), the others ~ N(0, 1)) and ``<stem>.logits.bin`` (the module evaluated
in float64, cast to float32), and checks the file with
``onnx.checker.check_model``.

The default output, ``models/external/resnet18.onnx`` (45 MB), is git-ignored
and never committed.

How to run
----------
From the repository root, with Debian's ``python3-torch``, ``python3-onnx``
and ``python3-torchvision``::

    /usr/bin/python3 scripts/export-resnet18.py
"""

from __future__ import annotations

import argparse
import os

import torch
import torchvision

from reference_export import export_with_logits, reference_batch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def randomise_batch_norms(model: torch.nn.Module, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed + 2)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=generator))
            m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=generator))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights", help="a local .pth state dict instead of random weights")
    parser.add_argument("--samples", type=int, default=2)
    parser.add_argument("--opset", type=int, default=13)
    parser.add_argument("--out", default=os.path.join(ROOT, "models", "external", "resnet18.onnx"))
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    model = torchvision.models.resnet18()
    if args.weights:
        model.load_state_dict(torch.load(args.weights, map_location="cpu"), strict=True)
    else:
        with torch.no_grad():
            randomise_batch_norms(model, args.seed)
    model.eval()
    batch = reference_batch(args.samples, args.seed)
    stem, logits = export_with_logits(model, batch, args.out, args.opset)
    out = f"{stem}.onnx"
    size = os.path.getsize(out) / 2**20
    print(f"export-resnet18: {out} ({size:.1f} MiB), logits {list(logits.shape)}")


if __name__ == "__main__":
    main()

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

import onnx
import torch
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE = (3, 224, 224)


def reference_batch(samples: int, seed: int) -> torch.Tensor:
    """Sample 0 ~ U[0, 1), the others ~ N(0, 1), from their own seeded generator."""
    generator = torch.Generator().manual_seed(seed + 1)
    batch = torch.randn((samples, *IMAGE), generator=generator)
    batch[0] = torch.rand(IMAGE, generator=generator)
    return batch


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
    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    stem = out[: -len(".onnx")] if out.endswith(".onnx") else out
    batch = reference_batch(args.samples, args.seed)
    with torch.no_grad():
        torch.onnx.export(
            model,
            batch[:1],
            out,
            opset_version=args.opset,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
            do_constant_folding=True,
        )
        logits = model.double()(batch.double())
    onnx.checker.check_model(out)
    batch.to(torch.float32).contiguous().numpy().astype("<f4").tofile(f"{stem}.input.bin")
    logits.to(torch.float32).contiguous().numpy().astype("<f4").tofile(f"{stem}.logits.bin")
    size = os.path.getsize(out) / 2**20
    print(f"export-resnet18: {out} ({size:.1f} MiB), logits {list(logits.shape)}")


if __name__ == "__main__":
    main()

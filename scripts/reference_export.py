"""What provlrp's image-model export scripts share (export-vgg16.py, export-resnet18.py).

A seeded reference batch of 3×224×224 images, and the export itself: the model at batch 1 with a
symbolic batch axis (input ``input``, output ``logits``), checked with ``onnx.checker``, and beside
it ``<stem>.input.bin`` and ``<stem>.logits.bin`` (float32 raw little-endian, C order; the logits
from the module evaluated in float64).
"""

from __future__ import annotations

import os
from typing import Tuple

import onnx
import torch

IMAGE = (3, 224, 224)


def reference_batch(samples: int, seed: int) -> torch.Tensor:
    """Sample 0 ~ U[0, 1), the others ~ N(0, 1), from their own seeded generator."""
    generator = torch.Generator().manual_seed(seed + 1)
    batch = torch.randn((samples, *IMAGE), generator=generator)
    batch[0] = torch.rand(IMAGE, generator=generator)
    return batch


def write_raw(path: str, tensor: torch.Tensor) -> None:
    tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tofile(path)


def export_with_logits(
    model: torch.nn.Module, batch: torch.Tensor, out: str, opset: int
) -> Tuple[str, torch.Tensor]:
    """Exports `model` (in eval mode) to `out` and writes the batch and its logits beside it."""
    out = os.path.abspath(out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    stem = out[: -len(".onnx")] if out.endswith(".onnx") else out
    with torch.no_grad():
        torch.onnx.export(
            model,
            batch[:1],
            out,
            opset_version=opset,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
            do_constant_folding=True,
        )
        logits = model.double()(batch.double())
    onnx.checker.check_model(out)
    write_raw(f"{stem}.input.bin", batch)
    write_raw(f"{stem}.logits.bin", logits)
    return stem, logits

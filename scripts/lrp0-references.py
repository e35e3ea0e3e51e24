#!/usr/bin/python3
"""LRP-0 references for the bias-free gated CNN fixtures, computed with torch in float64.

What it does
------------
For the bias-free variants of the networks whose squeeze-and-excitation blocks
multiply two activations (``mobilenet_v3_small``, ``efficientnet_b0``,
``regnet_y_400mf``; rebuilt from ``scripts/export-modern-models.py`` with the
same seed, so the weights are the fixtures'), computes the LRP-0 relevance of
the input for the target class, seeded with the target's logit, with the rules
provlrp uses on them:

* Conv, Linear, BatchNorm (eval mode, no additive constant), average pooling
  and residual sums: LRP-0, R_j = Σ_k a_j w_jk R_k / z_k, which on a network
  without additive constants is gradient × input;
* every activation (ReLU, SiLU, Sigmoid, Hardswish, Hardsigmoid): zennit's Pass
  rule, relevance unchanged (the activation is replaced by z · (f(z)/z) with the
  ratio detached, so the gradient times z is f(z) times the gradient);
* the product ``scale * input`` of a squeeze-and-excitation block: AttnLRP's
  uniform rule, half of the relevance to each factor (the product is computed as
  ½ (scale.detach() · input) + ½ (scale · input.detach())).

The relevance is R = x ⊙ ∂y_target/∂x of the modified module, in float64, and is
written to ``test/fixtures/modern/lrp0/<name>_nobias.relevance_lrp0.f64.bin``
(raw little-endian float64, the input's shape), with a ``manifest.json`` that
records ΣR / logit (the conservation, exact up to float64 rounding) and, as in
the zennit references, how far the same computation in float32 is from the
float64 one, relative to max|R|: sigmoid gates whose pre-activation is near 0
receive relevance by their output (≈ ½) and pass it to a denominator near 0, so
the relevance inside these networks grows to 10^3–10^6 times the logit and
float32 cannot keep its sum (efficientnet_b0's float32 sum is off by orders of
magnitude while its float64 one is exact).

How to run
----------
From the repository root, with Debian's python3-torch and python3-torchvision::

    /usr/bin/python3 scripts/lrp0-references.py
"""

from __future__ import annotations

import importlib.util
import json
import os

import torch
import torch.nn as nn
from torchvision.ops.misc import SqueezeExcitation

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "modern", "lrp0")
GENERATOR = "scripts/lrp0-references.py"
MODELS = ("mobilenet_v3_small", "efficientnet_b0", "regnet_y_400mf")
ACTIVATIONS = (nn.ReLU, nn.ReLU6, nn.Hardtanh, nn.SiLU, nn.Sigmoid, nn.Hardswish, nn.Hardsigmoid)

torch.set_num_threads(1)

spec = importlib.util.spec_from_file_location("export_modern_models", os.path.join(ROOT, "scripts", "export-modern-models.py"))
exporter = importlib.util.module_from_spec(spec)
spec.loader.exec_module(exporter)


class PassActivation(nn.Module):
    """f(z) in the forward pass; in the backward pass relevance z·g equals f(z)·g (Pass)."""

    def __init__(self, f: nn.Module) -> None:
        super().__init__()
        self.f = f

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        a = self.f(z.clone())  # some torchvision activations are in place
        safe = torch.where(z == 0, torch.ones_like(z), z)
        ratio = torch.where(z == 0, torch.zeros_like(z), a / safe)
        return z * ratio.detach()


def uniform_product(self: SqueezeExcitation, input: torch.Tensor) -> torch.Tensor:
    scale = self._scale(input)
    return 0.5 * (scale.detach() * input) + 0.5 * (scale * input.detach())


def lrp0(name: str, double: bool):
    model = exporter.build(name, "small", True)
    x = exporter.make_input(name, "small")
    if double:
        model, x = model.double(), x.double()
    with torch.no_grad():
        logits = model(x)
    target = int(logits.argmax(dim=1)[0])
    for module in list(model.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, ACTIVATIONS):
                setattr(module, child_name, PassActivation(child))
    original = SqueezeExcitation.forward
    SqueezeExcitation.forward = uniform_product
    try:
        x.requires_grad_(True)
        out = model(x)
        (gradient,) = torch.autograd.grad(out[0, target], x)
    finally:
        SqueezeExcitation.forward = original
    drift = float((out.detach() - logits).abs().max() / logits.abs().max())
    return (x * gradient).detach(), float(logits[0, target]), target, drift


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    entries = {}
    for name in MODELS:
        relevance, logit, target, drift = lrp0(name, True)
        single, _, _, _ = lrp0(name, False)
        float32_error = float((single.double() - relevance).abs().max() / relevance.abs().max())
        stem = f"{name}_nobias.relevance_lrp0"
        relevance.numpy().astype("<f8").tofile(os.path.join(OUT, f"{stem}.f64.bin"))
        entries[f"{name}_nobias"] = {
            "fixture": f"{name}_nobias",
            "target": target,
            "target_logit": logit,
            "relevance": {"file_f64": f"{stem}.f64.bin", "shape": list(relevance.shape)},
            "sum_over_logit": float(relevance.sum()) / logit,
            "float32_sum_over_logit": float(single.sum()) / logit,
            "max_abs_relevance_over_logit": float(relevance.abs().max()) / abs(logit),
            "float32_relative_error": float32_error,
            "modified_forward_relative_drift": drift,
        }
        print(
            f"{name:20s} ΣR/logit {float(relevance.sum()) / logit:.12f} (float32 {float(single.sum()) / logit:.6g}), "
            f"max|R|/logit {float(relevance.abs().max()) / abs(logit):.3g}, float32 off by {float32_error:.2e} max|R|"
        )
    manifest = {
        "generator": GENERATOR,
        "torch_version": torch.__version__,
        "rules": "LRP-0 on Conv/Linear/BatchNorm/pooling/sums, Pass on activations, uniform rule on the SE product",
        "output_relevance": "the target's logit (one-hot times the logit); target = argmax",
        "format": "raw little-endian float64, C order, the input's NCHW shape",
        "models": entries,
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

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
  and residual sums: LRP-0 (ε = 0 everywhere, the Norm layers included,
  DESIGN.md §1; provlrp's ``epsilon`` composite with ``epsilon: 0``),
  R_j = Σ_k a_j w_jk R_k / z_k, which on a network without additive constants
  is gradient × input;
* every activation (ReLU, SiLU, Sigmoid, Hardswish, Hardsigmoid): zennit's Pass
  rule, relevance unchanged (the activation is replaced by z · (f(z)/z) with the
  ratio detached, so the gradient times z is f(z) times the gradient);
* the product ``scale * input`` of a squeeze-and-excitation block: AttnLRP's
  uniform rule, half of the relevance to each factor (the product is computed as
  ½ (scale.detach() · input) + ½ (scale · input.detach())).

The network is torch's (Conv, then BatchNorm in eval mode, in float64). The
fixture ``<name>_nobias_op17.onnx`` holds the same network with each BatchNorm
folded into the convolution before it in float32, and the gates make the
relevance ill-conditioned (below): that rounding of the folded weights alone
moves the float64 relevance by 1.1e-3 of max|R| (efficientnet_b0; 1.6e-5
regnet_y_400mf, 6e-6 mobilenet_v3_small), so provlrp's float64 relevance of the
file differs from these references by that much. ``--fixture-weights`` computes
them on the file's network instead (its folded weights, the BatchNorms made
identities), which provlrp's float64 relevance matches to 1e-11 of max|R|
(mobilenet_v3_small to 1.2e-5: the file's HardSigmoid α is the float32
0.16666667, not 1/6); it writes nothing unless asked, as the float32 error the
tests tolerate is measured on torch's network.

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

``--layers DIR`` also writes the relevance at every module's output (out ⊙
∂y_target/∂out, float64, ``DIR/<model>/<module path>.bin`` with an
``index.json`` of shapes), to compare with provlrp's
``trace.relevance({ ..., layer })`` layer by layer; with ``--fixture-weights``
it writes only those (the references stay as they are).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os

import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper
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


def scope_path(node_name: str) -> str:
    """The module path of an exported node (DESIGN.md §1b): ``/f/b/b.0/Conv`` → ``f.b.0``."""
    parts: list[str] = []
    for component in [c for c in node_name.split("/") if c][:-1]:
        if parts and component.startswith(parts[-1] + "."):
            parts[-1] = component
        else:
            parts.append(component)
    return ".".join(parts)


def load_fixture_weights(model: nn.Module, name: str) -> None:
    """The convolutions' weights of the fixture, each folded BatchNorm replaced by the identity."""
    graph = onnx.load(os.path.join(ROOT, "test", "fixtures", "modern", f"{name}_nobias_op17.onnx")).graph
    initializers = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    modules = dict(model.named_modules())
    convs = [node for node in graph.node if node.op_type == "Conv"]
    assert len(convs) == sum(isinstance(m, nn.Conv2d) for m in modules.values()), name
    with torch.no_grad():
        for node in convs:
            path = scope_path(node.name)
            conv = modules[path]
            weight = torch.from_numpy(initializers[node.input[1]].copy())
            assert conv.weight.shape == weight.shape, path
            conv.weight.copy_(weight)
            parent, _, index = path.rpartition(".")
            following = str(int(index) + 1) if index.isdigit() else None
            if following is not None and isinstance(getattr(modules[parent], following, None), nn.BatchNorm2d):
                setattr(modules[parent], following, nn.Identity())
    assert not any(isinstance(m, nn.BatchNorm2d) for m in model.modules()), f"{name}: a BatchNorm was not folded"


def uniform_product(self: SqueezeExcitation, input: torch.Tensor) -> torch.Tensor:
    scale = self._scale(input)
    return 0.5 * (scale.detach() * input) + 0.5 * (scale * input.detach())


def apply_rules(model: nn.Module) -> None:
    """Pass on the activations (in place)."""
    for module in list(model.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, ACTIVATIONS):
                setattr(module, child_name, PassActivation(child))


def lrp0(name: str, double: bool, layers: str | None = None, fixture_weights: bool = False):
    model = exporter.build(name, "small", True)
    if fixture_weights:
        load_fixture_weights(model, name)
    x = exporter.make_input(name, "small")
    if double:
        model, x = model.double(), x.double()
    with torch.no_grad():
        logits = model(x)
    target = int(logits.argmax(dim=1)[0])
    apply_rules(model)
    outputs: dict[str, torch.Tensor] = {}
    if layers is not None:
        for path, module in model.named_modules():
            if path:
                module.register_forward_hook(lambda _m, _i, out, path=path: outputs.setdefault(path, out))
    original = SqueezeExcitation.forward
    SqueezeExcitation.forward = uniform_product
    try:
        x.requires_grad_(True)
        out = model(x)
        for tensor in outputs.values():
            tensor.retain_grad()
        out[0, target].backward()
    finally:
        SqueezeExcitation.forward = original
    if layers is not None:
        write_layers(os.path.join(layers, name), outputs, target)
    drift = float((out.detach() - logits).abs().max() / logits.abs().max())
    return (x * x.grad).detach(), float(logits[0, target]), target, drift


def write_layers(directory: str, outputs: dict[str, torch.Tensor], target: int) -> None:
    """The relevance at each module's output that the backward pass reached."""
    os.makedirs(directory, exist_ok=True)
    shapes = {}
    for path, tensor in outputs.items():
        if tensor.grad is not None:
            (tensor * tensor.grad).detach().numpy().astype("<f8").tofile(os.path.join(directory, f"{path}.bin"))
            shapes[path] = list(tensor.shape)
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump({"target": target, "layers": shapes}, f, indent=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", help="also write the float64 relevance at every module's output here")
    parser.add_argument(
        "--fixture-weights", action="store_true", help="the fixture's folded weights; needs --layers, writes only there"
    )
    args = parser.parse_args()
    if args.fixture_weights:
        if args.layers is None:
            parser.error("--fixture-weights writes per-module relevance only; give --layers DIR")
        for name in MODELS:
            lrp0(name, True, args.layers, fixture_weights=True)
        return
    os.makedirs(OUT, exist_ok=True)
    entries = {}
    for name in MODELS:
        relevance, logit, target, drift = lrp0(name, True, args.layers)
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

#!/usr/bin/env python3
"""zennit's relevance for the modern-network fixtures, as references for provlrp.

What it does
------------
For the CNN fixtures written by ``scripts/export-modern-models.py`` (the same
modules, rebuilt from that script with the same seed, so the weights are the
fixtures' weights), computes zennit 0.5.1's ``EpsilonPlusFlat`` relevance of
the input (ε = 1e-6, stabiliser 1e-6) for the target class (the argmax of the
logits; a one-hot output relevance, not multiplied by the logit) in float64,
and writes it beside the fixtures in ``test/fixtures/modern/zennit/``:

* ``<model>.relevance_epsilon_plus_flat.f64.bin`` (float64) and ``.bin``
  (float32), raw little-endian C order, the input's shape [1, 3, 32, 32];
* ``manifest.json``: per model the canonizers used, the target, how far the
  canonized module's logits drift from the original's, and how far zennit's
  own float32 result (the same computation in float32) is from the float64
  one, relative to max|R|: the accuracy a float32 implementation can be held to
  (densenet121's 120 ZPlus layers make it ill-conditioned: 2.4e-3).

Canonizers (read from zennit's source, ``canonizers.py`` and
``torchvision.py``):

* resnet50: zennit's ``ResNetCanonizer`` (``SequentialMergeBatchNorm`` and
  the Bottleneck's ``+`` as a ``Sum`` module, hence the Norm rule).
* densenet121: zennit has no DenseNet canonizer, and
  ``SequentialMergeBatchNorm`` would pair each dense layer's ``conv2`` with the
  *next* layer's ``norm1``, which normalises the concatenation (its channel
  count differs and merging fails). So zennit's ``NamedMergeBatchNorm`` is
  given exactly the pairs where a BatchNorm reads a convolution's output
  (found by ``torch.fx``): ``features.conv0``/``features.norm0`` and each
  dense layer's ``conv1``/``norm2``. The other 62 BatchNorms (after a
  concatenation or a pooling) stay, under zennit's layer map, ``Pass``
  (``layer_map_base``: ``(BatchNorm, Pass())``): relevance passes unchanged.
* mobilenet_v2: zennit has no MobileNet canonizer. ``SequentialMergeBatchNorm``
  merges every BatchNorm (each follows its convolution in module order), and an
  ``AttributeCanonizer`` written here like zennit's ``ResNetBottleneckCanonizer``
  turns the ``x + self.conv(x)`` of the InvertedResidual blocks into zennit's
  ``Sum``, so that the residual sum takes the Norm rule as in ResNet (without it
  zennit would pass the full relevance to both summands by the gradient).

As zennit 1.0 does, and as the zennit fixtures of ``../shared/fixtures/zennit``
do, every merged BatchNorm's ``eps`` is set to 0 so that what remains of it is
an exact identity (zennit 0.5.1 leaves ``x / sqrt(1 + eps)``).

Conventions that matter for the comparison: ReLU6 (``Hardtanh``) and ReLU are
``Activation`` modules under ``Pass``; ``AdaptiveAvgPool2d`` is Norm
(ε-rule with the pooling unchanged); functional calls that zennit does not hook
(``torch.flatten``, mobilenet_v2's and densenet121's functional
``adaptive_avg_pool2d``, densenet121's functional ``relu`` after ``norm5``)
pass relevance by their gradient, which at these 32x32 inputs is the identity
(the last feature map is 1x1, and a ReLU's zero outputs receive no relevance
from the Norm rule above them). The first layer is the first Linear or Conv in
module registration order (``Flat``); other convolutions ``ZPlus``, the
classifier's Linear ``Epsilon``.

Models without a reference: mobilenet_v3_small, efficientnet_b0 and
regnet_y_400mf multiply two activations in their squeeze-and-excitation
blocks (``scale * input``), which zennit does not hook and passes by the
gradient (the input gets ``scale * R``, the scale ``input * R``), not by the
uniform rule of a product; convnext_tiny's LayerNorm, layer scale and GELU
Linear blocks on permuted tensors are unhooked as well. zennit's numbers there
are not LRP with provlrp's rules, so none are written.

How to run
----------
From the repository root, with a Python that has zennit 0.5.1 and Debian's
torch and torchvision (a virtual environment made with
``--system-site-packages``, zennit installed into it from its 0.5.1 tag)::

    python3 -m venv --system-site-packages zennit-venv
    zennit-venv/bin/pip install ./zennit            # a checkout of tag 0.5.1
    zennit-venv/bin/python scripts/zennit-references.py
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys

import torch
import torch.fx
import zennit
from torchvision.models.mobilenetv2 import InvertedResidual
from zennit.canonizers import AttributeCanonizer, NamedMergeBatchNorm, SequentialMergeBatchNorm
from zennit.composites import EpsilonPlusFlat
from zennit.layer import Sum
from zennit.torchvision import ResNetCanonizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "test", "fixtures", "modern")
OUT = os.path.join(FIXTURES, "zennit")
GENERATOR = "scripts/zennit-references.py"

torch.set_num_threads(1)

spec = importlib.util.spec_from_file_location("export_modern_models", os.path.join(ROOT, "scripts", "export-modern-models.py"))
exporter = importlib.util.module_from_spec(spec)
spec.loader.exec_module(exporter)


class InvertedResidualCanonizer(AttributeCanonizer):
    """torchvision's MobileNetV2 InvertedResidual with its residual sum as zennit's Sum module
    (the pattern of zennit's ResNetBottleneckCanonizer)."""

    def __init__(self):
        super().__init__(self._attribute_map)

    @classmethod
    def _attribute_map(cls, name, module):
        if isinstance(module, InvertedResidual) and module.use_res_connect:
            return {"forward": cls.forward.__get__(module), "canonizer_sum": Sum()}
        return None

    @staticmethod
    def forward(self, x):
        return self.canonizer_sum(torch.stack([x, self.conv(x)], dim=-1))


def conv_batchnorm_pairs(model: torch.nn.Module) -> list:
    """(conv name, BatchNorm name) for every BatchNorm whose input is a Conv2d's output."""
    graph = torch.fx.symbolic_trace(model).graph
    modules = dict(model.named_modules())
    pairs = []
    for node in graph.nodes:
        if node.op == "call_module" and isinstance(modules[node.target], torch.nn.BatchNorm2d):
            source = node.args[0]
            if source.op == "call_module" and isinstance(modules[source.target], torch.nn.Conv2d):
                pairs.append(([source.target], node.target))
    return pairs


def canonizers_for(name: str, model: torch.nn.Module):
    if name == "resnet50":
        return [ResNetCanonizer()], "zennit.torchvision.ResNetCanonizer"
    if name == "densenet121":
        pairs = conv_batchnorm_pairs(model)
        return [NamedMergeBatchNorm(pairs)], f"zennit.canonizers.NamedMergeBatchNorm over the {len(pairs)} conv -> BatchNorm pairs"
    if name == "mobilenet_v2":
        return (
            [SequentialMergeBatchNorm(), InvertedResidualCanonizer()],
            "zennit.canonizers.SequentialMergeBatchNorm + InvertedResidualCanonizer (residual + as zennit.layer.Sum)",
        )
    raise ValueError(name)


def zennit_relevance(name: str, double: bool):
    """zennit's EpsilonPlusFlat relevance of the fixture's input, and the canonized logits."""
    model = exporter.build(name, "small", False)
    x = exporter.make_input(name, "small")
    if double:
        model, x = model.double(), x.double()
    with torch.no_grad():
        target = int(model(x).argmax(dim=1)[0])
    canonizers, described = canonizers_for(name, model)
    composite = EpsilonPlusFlat(epsilon=1e-6, stabilizer=1e-6, canonizers=canonizers)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with composite.context(model) as modified:
        merged = [bn for bn in bns if bool((bn.running_var == 1).all() and (bn.weight == 1).all())]
        for bn in merged:
            bn.eps = 0.0  # zennit 1.0: what remains of a merged BatchNorm is an exact identity
        x.requires_grad_(True)
        out = modified(x)
        seed = torch.zeros_like(out)
        seed[0, target] = 1.0
        (relevance,) = torch.autograd.grad(out, x, seed)
    return relevance.detach(), out.detach(), target, described, len(merged), len(bns) - len(merged)


def write(path: str, tensor: torch.Tensor, dtype: str) -> None:
    tensor.detach().cpu().contiguous().numpy().astype(dtype).tofile(path)


def main() -> None:
    with open(os.path.join(FIXTURES, "manifest.json")) as f:
        fixtures = {m["name"]: m for m in json.load(f)["models"]}
    os.makedirs(OUT, exist_ok=True)
    entries = {}
    for name in ("resnet50", "densenet121", "mobilenet_v2"):
        entry = fixtures[name]
        with torch.no_grad():
            logits = exporter.build(name, "small", False).double()(exporter.make_input(name, "small").double())
        relevance, canonized_logits, target, described, merged, passed = zennit_relevance(name, True)
        assert target == entry["target"], f"{name}: target {target}, fixture {entry['target']}"
        single, _, _, _, _, _ = zennit_relevance(name, False)
        float32_error = float((single.double() - relevance).abs().max() / relevance.abs().max())
        x = relevance
        drift = float((canonized_logits - logits).abs().max() / logits.abs().max())
        stem = f"{name}.relevance_epsilon_plus_flat"
        write(os.path.join(OUT, f"{stem}.f64.bin"), relevance, "<f8")
        write(os.path.join(OUT, f"{stem}.bin"), relevance, "<f4")
        entries[name] = {
            "fixture": name,
            "onnx": [f["file"] for f in entry["opsets"].values()],
            "input": entry["input"],
            "target": target,
            "canonizers": described,
            "merged_batchnorms": merged,
            "unmerged_batchnorms_pass": passed,
            "zennit_float32_relative_error": float32_error,
            "canonized_logits_relative_drift": drift,
            "relevance": {"file": f"{stem}.bin", "file_f64": f"{stem}.f64.bin", "shape": list(x.shape)},
            "relevance_sum": float(relevance.sum()),
            "max_abs_relevance": float(relevance.abs().max()),
        }
        print(
            f"{name:14s} target {target}, {merged} BatchNorms merged, {passed} Pass, "
            f"zennit float32 off by {float32_error:.1e} max|R|, "
            f"logit drift {drift:.1e}, ΣR {float(relevance.sum()):.6g}, max|R| {float(relevance.abs().max()):.4g}"
        )
    manifest = {
        "generator": GENERATOR,
        "zennit_version": zennit.__version__ if hasattr(zennit, "__version__") else "0.5.1",
        "torch_version": torch.__version__,
        "composite": "EpsilonPlusFlat(epsilon=1e-6, stabilizer=1e-6)",
        "output_relevance": "one-hot at the target (the argmax of the logits), not multiplied by the logit",
        "precision": "float64 module and input; .bin is the float64 result cast to float32",
        "merged_batchnorm": "eps set to 0 after merging, as zennit 1.0 does",
        "format": "raw little-endian C order, the input's NCHW shape",
        "models": entries,
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Export modern torchvision networks and two transformers to ONNX, with reference logits.

What it does
------------
Builds, with random seeded weights:

* the torchvision CNNs ``mobilenet_v2``, ``mobilenet_v3_small``,
  ``efficientnet_b0``, ``resnet50``, ``densenet121``, ``regnet_y_400mf`` and
  ``convnext_tiny``;
* a Vision Transformer built with torchvision's ``VisionTransformer``
  (image 32, patch 8, 2 layers, 2 heads, hidden 32, MLP 64, 10 classes);
* a text classifier: token embedding + learned positional embedding +
  ``torch.nn.TransformerEncoder`` (2 layers of ``TransformerEncoderLayer``,
  d_model 32, 2 heads, feed-forward 64, ReLU, post-norm, batch first) + the
  mean over tokens + ``Linear(32, 5)``; input: 6 token ids out of 50;

and exports each with ``torch.onnx.export`` (TorchScript exporter, eval mode,
constant folding, input ``input``, output ``logits``) at opsets 13 and 17,
checked with ``onnx.checker.check_model(full_check=True)``. The CNNs are
exported with a fixed batch of 1; the two transformers with a symbolic batch
(``dynamic_axes``), since their attention merges the batch with the heads in a
Reshape whose target must then say which of its numbers is the batch (a fixed
batch folds it into a constant, and provlrp refuses such a Reshape).

Two sizes
---------
``small`` (the default, written to ``test/fixtures/modern/``, committed): the
same torchvision classes and module names, at a reduced width so that each
file is well under 1 MB, at input 1x3x32x32 (every CNN here accepts it: their
global average pools end in 1x1), 10 classes:

* mobilenet_v2: ``mobilenet_v2(width_mult=0.25)``;
* mobilenet_v3_small: ``mobilenet_v3_small(width_mult=0.25)``;
* efficientnet_b0: ``EfficientNet`` with ``_efficientnet_conf("efficientnet_b0",
  width_mult=0.25, depth_mult=1.0)`` (b0's depth, a quarter of its width);
* resnet50: ``ResNet`` with ``Bottleneck`` blocks [3, 4, 6, 3] (resnet50's
  depth) and every width divided by 8 (a subclass below sets the widths
  ``torchvision.models.resnet.ResNet.__init__`` hard-codes);
* densenet121: ``DenseNet(growth_rate=8, block_config=(6, 12, 24, 16),
  num_init_features=16)`` (densenet121's depth, growth 8 instead of 32);
* regnet_y_400mf: ``RegNet`` with ``BlockParams.from_init_params(depth=16,
  w_0=16, w_a=6.97, w_m=2.09, group_width=8, se_ratio=0.25)``, stem 16
  (400MF's depth, w_m and SE; w_0 and w_a divided by 3 and 4);
* convnext_tiny: ``ConvNeXt`` with the tiny block setting (3, 3, 9, 3) and
  channels (12, 24, 48, 96) instead of (96, 192, 384, 768);
* the ViT and the text transformer as described above.

``full`` (``--size full``, written to ``models/external/modern/``, git-ignored):
torchvision's own constructors (``torchvision.models.resnet50()`` …, 1000
classes) at 1x3x224x224; the ViT and text transformer are the same as small.

Weights
-------
``torch.manual_seed(seed)`` before each model is built gives torchvision's
own initialisation. Because that initialisation zeroes many biases, sets every
BatchNorm to the identity, ConvNeXt's layer scale to 1e-6 and the ViT's head
to zero, every model is then given visible parameters (from the same seeded
stream): each BatchNorm affine parameters γ ~ U[0.5, 1.5), β ~ N(0, 0.1) and
running statistics measured on 8 random inputs (see ``calibrate_batchnorms``),
each LayerNorm weight ~ U[0.5, 1.5) and bias ~ N(0, 0.1), every Conv/Linear
bias ~ N(0, 0.05), ConvNeXt's layer scales ~ U[0.2, 1), the ViT's head
N(0, 0.1) and class token / positional embedding N(0, 0.02) (as torchvision
draws the latter).

Bias-free variants (``<name>_nobias``)
-------------------------------------
For the conservation test: the same weights with every additive constant set
to zero, so that LRP-0 (ε → 0) conserves relevance layer by layer: every
Conv/Linear bias, every BatchNorm's β and running mean (so an eval-mode
BatchNorm is the diagonal map x ↦ γ x / √(σ² + eps), which still folds into the
preceding conv or stays a standalone diagonal linear layer), every LayerNorm's
β, MultiheadAttention's in/out projection biases, the ViT's class token and
positional embedding, and the text model's positional embedding. The
activations keep their own constants (HardSigmoid's +3, ReLU6's clip): they
are pass-through activations under zennit's Pass rule, where relevance passes
unchanged whatever their shape.

The bias-free variants are exported at opset 17 only (the conservation test
needs one; the fixtures stay smaller).

Files, per model ``<name>`` and opset ``<v>`` (``<name>_op<v>``)
----------------------------------------------------------------
* ``<name>_op<v>.onnx``;
* ``<name>.input.bin``: the input, batch 1, raw little-endian C order:
  float32 NCHW images ~ U[0, 1) for the image models; int64 token ids for the
  text model (``input.dtype`` in the manifest);
* ``<name>.logits.bin``: float32, the module evaluated in float64 (the same
  for both opsets);
* ``manifest.json``: for every model its opsets, files, shapes, op types
  with counts, node scopes of the ops provlrp may not know, sizes, settings.

The script compares, for each file, onnx's reference evaluator where the
installed onnx has one (Debian's onnx 1.12 does not), and otherwise only the
checker; the reference logits come from torch in float64.

How to run
----------
From the repository root (Debian's python3-torch 1.13, python3-torchvision
0.14, python3-onnx 1.12)::

    /usr/bin/python3 scripts/export-modern-models.py               # small, committed
    /usr/bin/python3 scripts/export-modern-models.py --size full   # models/external/modern
    /usr/bin/python3 scripts/export-modern-models.py --only vit,text_transformer

Everything is seeded; running it again with the same torch rewrites the same
files.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import warnings
from typing import Callable, Dict, List, Tuple

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision
from torchvision.models import convnext, densenet, efficientnet, mobilenetv2, mobilenetv3, regnet, resnet
from torchvision.models.vision_transformer import VisionTransformer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = "scripts/export-modern-models.py"
OUT = {"small": os.path.join(ROOT, "test", "fixtures", "modern"), "full": os.path.join(ROOT, "models", "external", "modern")}
OPSETS = (13, 17)
SEED = 0
VOCAB, TOKENS = 50, 6

torch.set_num_threads(1)
warnings.filterwarnings("ignore")


# ---------------------------------------------------------------------------
# The models
# ---------------------------------------------------------------------------


class SlimResNet(resnet.ResNet):
    """torchvision's ResNet with every width divided by ``divisor`` (the stem's 64 and the stages'
    64, 128, 256, 512, which ``ResNet.__init__`` hard-codes); module names are ResNet's own."""

    def __init__(self, layers: List[int], divisor: int, num_classes: int) -> None:
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = 64 // divisor
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(resnet.Bottleneck, 64 // divisor, layers[0])
        self.layer2 = self._make_layer(resnet.Bottleneck, 128 // divisor, layers[1], stride=2)
        self.layer3 = self._make_layer(resnet.Bottleneck, 256 // divisor, layers[2], stride=2)
        self.layer4 = self._make_layer(resnet.Bottleneck, 512 // divisor, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 // divisor * resnet.Bottleneck.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")


class TextTransformer(nn.Module):
    """Token embedding + learned positional embedding + TransformerEncoder + mean over tokens + Linear."""

    def __init__(self, vocab: int = VOCAB, tokens: int = TOKENS, d_model: int = 32, classes: int = 5) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, d_model)
        self.position = nn.Parameter(torch.randn(1, tokens, d_model) * 0.1)
        layer = nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        h = self.embedding(ids) + self.position
        return self.head(self.encoder(h).mean(dim=1))


def vit() -> nn.Module:
    return VisionTransformer(
        image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=10
    )


IMAGE_SMALL = (1, 3, 32, 32)
IMAGE_FULL = (1, 3, 224, 224)

# name -> (small constructor, full constructor, what the small one is)
MODELS: Dict[str, Tuple[Callable[[], nn.Module], Callable[[], nn.Module], str]] = {
    "mobilenet_v2": (
        lambda: mobilenetv2.mobilenet_v2(width_mult=0.25, num_classes=10),
        lambda: mobilenetv2.mobilenet_v2(),
        "torchvision mobilenet_v2(width_mult=0.25, num_classes=10)",
    ),
    "mobilenet_v3_small": (
        lambda: mobilenetv3.mobilenet_v3_small(width_mult=0.25, num_classes=10),
        lambda: mobilenetv3.mobilenet_v3_small(),
        "torchvision mobilenet_v3_small(width_mult=0.25, num_classes=10)",
    ),
    "efficientnet_b0": (
        lambda: efficientnet.EfficientNet(
            efficientnet._efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=1.0)[0],
            dropout=0.2,
            num_classes=10,
        ),
        lambda: efficientnet.efficientnet_b0(),
        "torchvision EfficientNet, efficientnet_b0's configuration at width_mult 0.25, 10 classes",
    ),
    "resnet50": (
        lambda: SlimResNet([3, 4, 6, 3], divisor=8, num_classes=10),
        lambda: resnet.resnet50(),
        "torchvision ResNet, resnet50's Bottleneck [3, 4, 6, 3], widths divided by 8, 10 classes",
    ),
    "densenet121": (
        lambda: densenet.DenseNet(growth_rate=8, block_config=(6, 12, 24, 16), num_init_features=16, num_classes=10),
        lambda: densenet.densenet121(),
        "torchvision DenseNet(growth_rate=8, block_config=(6, 12, 24, 16), num_init_features=16, num_classes=10)",
    ),
    "regnet_y_400mf": (
        lambda: regnet.RegNet(
            regnet.BlockParams.from_init_params(depth=16, w_0=16, w_a=6.97, w_m=2.09, group_width=8, se_ratio=0.25),
            stem_width=16,
            num_classes=10,
        ),
        lambda: regnet.regnet_y_400mf(),
        "torchvision RegNet, regnet_y_400mf's depth 16, w_m 2.09, group width 8, SE 0.25; w_0 16, w_a 6.97, stem 16; 10 classes",
    ),
    "convnext_tiny": (
        lambda: convnext.ConvNeXt(
            [
                convnext.CNBlockConfig(12, 24, 3),
                convnext.CNBlockConfig(24, 48, 3),
                convnext.CNBlockConfig(48, 96, 9),
                convnext.CNBlockConfig(96, None, 3),
            ],
            num_classes=10,
        ),
        lambda: convnext.convnext_tiny(),
        "torchvision ConvNeXt, convnext_tiny's blocks (3, 3, 9, 3) at channels (12, 24, 48, 96), 10 classes",
    ),
    "vit": (vit, vit, "torchvision VisionTransformer(image 32, patch 8, 2 layers, 2 heads, hidden 32, MLP 64, 10 classes)"),
    "text_transformer": (
        TextTransformer,
        TextTransformer,
        "Embedding(50, 32) + positional embedding + TransformerEncoder(2 x TransformerEncoderLayer(32, 2 heads, "
        "feed-forward 64, ReLU, post-norm)) + mean over the 6 tokens + Linear(32, 5)",
    ),
}


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


def make_visible(model: nn.Module) -> None:
    """Non-trivial values where torchvision's initialisation leaves identities and zeros."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c) * 0.3)
                m.running_var.copy_(torch.rand(c) * 1.0 + 0.5)
                m.weight.copy_(torch.rand(c) + 0.5)
                m.bias.copy_(torch.randn(c) * 0.1)
                m.num_batches_tracked.fill_(100)
            elif isinstance(m, nn.LayerNorm):
                m.weight.copy_(torch.rand_like(m.weight) + 0.5)
                m.bias.copy_(torch.randn_like(m.bias) * 0.1)
            elif isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                m.bias.copy_(torch.randn_like(m.bias) * 0.05)
            if isinstance(m, convnext.CNBlock):
                m.layer_scale.copy_(torch.rand_like(m.layer_scale) * 0.8 + 0.2)
        if isinstance(model, VisionTransformer):
            nn.init.normal_(model.heads.head.weight, 0, 0.1)
            model.class_token.normal_(0, 0.02)


def remove_biases(model: nn.Module) -> None:
    """Every additive constant set to zero (see the module docstring)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.running_mean.zero_()
                m.bias.zero_()
            elif isinstance(m, nn.LayerNorm):
                m.bias.zero_()
            elif isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                m.bias.zero_()
            elif isinstance(m, nn.MultiheadAttention):
                if m.in_proj_bias is not None:
                    m.in_proj_bias.zero_()
                if m.out_proj.bias is not None:
                    m.out_proj.bias.zero_()
        if isinstance(model, VisionTransformer):
            model.class_token.zero_()
            model.encoder.pos_embedding.zero_()
        if isinstance(model, TextTransformer):
            model.position.zero_()


def calibrate_batchnorms(model: nn.Module, name: str, size: str, bias_free: bool) -> None:
    """Running statistics measured on 8 random inputs (cumulative averages in one train-mode pass),
    so that every BatchNorm normalises what it sees: without this, random depthwise convolutions
    shrink the signal by orders of magnitude over a deep network. In a bias-free model the running
    mean is then zero and the running variance the second moment E[x²] (the same scale)."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    generator = torch.Generator().manual_seed(SEED + 2)
    shape = (8,) + tuple((IMAGE_SMALL if size == "small" else IMAGE_FULL)[1:])
    batch = torch.rand(shape, generator=generator)
    model.eval()  # dropout and stochastic depth stay off; only the BatchNorms measure
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None
        bn.train()
    with torch.no_grad():
        model(batch)
        for bn in bns:
            bn.momentum = 0.1
            bn.num_batches_tracked.fill_(100)
            if bias_free:
                bn.running_var.add_(bn.running_mean**2)
                bn.running_mean.zero_()
    model.eval()


def build(name: str, size: str, bias_free: bool) -> nn.Module:
    torch.manual_seed(SEED)
    small, full, _ = MODELS[name]
    model = (small if size == "small" else full)()
    make_visible(model)
    if bias_free:
        remove_biases(model)
    calibrate_batchnorms(model, name, size, bias_free)
    return model.eval()


def make_input(name: str, size: str) -> torch.Tensor:
    generator = torch.Generator().manual_seed(SEED + 1)
    if name == "text_transformer":
        return torch.randint(0, VOCAB, (1, TOKENS), generator=generator, dtype=torch.int64)
    shape = IMAGE_SMALL if size == "small" or name == "vit" else IMAGE_FULL
    return torch.rand(shape, generator=generator)


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def export(model: nn.Module, x: torch.Tensor, path: str, opset: int, symbolic_batch: bool) -> onnx.ModelProto:
    torch.onnx.export(
        model,
        (x,),
        path,
        opset_version=opset,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}} if symbolic_batch else None,
        do_constant_folding=True,
    )
    onnx.checker.check_model(path, full_check=True)
    return onnx.load(path)


def op_counts(proto: onnx.ModelProto) -> Dict[str, int]:
    return dict(sorted(collections.Counter(n.op_type for n in proto.graph.node).items()))


def write_raw(path: str, tensor: torch.Tensor) -> None:
    if tensor.dtype == torch.int64:
        tensor.contiguous().numpy().astype("<i8").tofile(path)
    else:
        tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tofile(path)


def export_model(name: str, size: str, bias_free: bool, out_dir: str) -> dict:
    model = build(name, size, bias_free)
    x = make_input(name, size)
    stem = f"{name}_nobias" if bias_free else name
    with torch.no_grad():
        logits = build(name, size, bias_free).double()(x if x.dtype == torch.int64 else x.double())
    write_raw(os.path.join(out_dir, f"{stem}.input.bin"), x)
    write_raw(os.path.join(out_dir, f"{stem}.logits.bin"), logits)
    files = {}
    for opset in OPSETS[-1:] if bias_free else OPSETS:
        file = f"{stem}_op{opset}.onnx"
        symbolic_batch = name in ("vit", "text_transformer")
        proto = export(model, x, os.path.join(out_dir, file), opset, symbolic_batch)
        files[str(opset)] = {
            "file": file,
            "bytes": os.path.getsize(os.path.join(out_dir, file)),
            "op_types": op_counts(proto),
        }
    _, _, description = MODELS[name]
    entry = {
        "name": stem,
        "model": name,
        "description": description if size == "small" else f"torchvision {name}() (1000 classes)",
        "bias_free": bias_free,
        "parameters": sum(p.numel() for p in model.parameters()),
        "input_name": "input",
        "output_name": "logits",
        "input": {
            "file": f"{stem}.input.bin",
            "shape": list(x.shape),
            "dtype": "int64" if x.dtype == torch.int64 else "float32",
        },
        "logits": {"file": f"{stem}.logits.bin", "shape": list(logits.shape), "dtype": "float32"},
        "target": int(logits.argmax(dim=1)[0]),
        "target_logit": float(logits.max(dim=1).values[0]),
        "max_abs_logit": float(logits.abs().max()),
        "opsets": files,
        "ops": sorted({op for f in files.values() for op in f["op_types"]}),
    }
    sizes = ", ".join(f"op{v} {f['bytes'] / 1024:.0f} KiB" for v, f in files.items())
    print(f"{stem:28s} {entry['parameters']:>9d} parameters, {sizes}, target {entry['target']}, max|logit| {entry['max_abs_logit']:.4g}")
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--only", help="comma-separated model names (default: all)")
    args = parser.parse_args()
    names = list(MODELS) if args.only is None else args.only.split(",")
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {unknown}; known: {list(MODELS)}")
    out_dir = OUT[args.size]
    os.makedirs(out_dir, exist_ok=True)
    manifest_path = os.path.join(out_dir, "manifest.json")
    previous = {}
    if args.only is not None and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            previous = {m["name"]: m for m in json.load(f)["models"]}
    entries = dict(previous)
    for name in names:
        for bias_free in (False, True):
            if args.size == "full" and bias_free:
                continue
            entry = export_model(name, args.size, bias_free, out_dir)
            entries[entry["name"]] = entry
    order = [f"{n}{s}" for n in MODELS for s in ("", "_nobias")]
    manifest = {
        "generator": GENERATOR,
        "command": " ".join(["/usr/bin/python3", GENERATOR, *sys.argv[1:]]),
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "onnx_version": onnx.__version__,
        "size": args.size,
        "seed": SEED,
        "format": "raw little-endian C order; images float32 NCHW ~ U[0, 1); token ids int64; "
        "logits float32 from the module evaluated in float64",
        "models": [entries[n] for n in order if n in entries],
    }
    tmp = manifest_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    os.replace(tmp, manifest_path)


if __name__ == "__main__":
    main()

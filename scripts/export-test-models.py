#!/usr/bin/python3
"""Export small ONNX test models with reference outputs for provlrp's ONNX importer.

What it does
------------
Rewrites ``test/fixtures/onnx/`` from scratch with:

* small PyTorch models exported with ``torch.onnx.export`` (legacy TorchScript
  exporter) at opsets 11, 13 and 17, in eval mode with
  ``training=TrainingMode.PRESERVE`` so BatchNormalization stays a node.  Some
  are written exactly as exported; in others the all-constant subgraph that
  torch 1.13 writes to compute ``Pad``'s pads is folded into an initializer
  (the manifest notes say which);
* hand-built graphs (``onnx.helper``) at opsets 18, 19, 20 and 21 for the ops
  whose definitions changed there (Pad gained the ``axes`` input in 18,
  ReduceMean moved ``axes`` from attribute to input in 18, AveragePool gained
  ``dilations`` in 19), plus one at opset 13 with the older forms of the same
  ops (and AveragePool count_include_pad=1 with pads, which the torch 1.13
  exporter never writes: it emits Pad + AveragePool instead);

and, for every model ``<name>``:

* ``<name>.onnx``         the graph;
* ``<name>.input.bin``    float32, raw little-endian, C order, NCHW, a batch of
                          2 or 3 samples (batch 1 for fixed-batch models);
* ``<name>.logits.bin``   float32 reference output: for exported models the
                          PyTorch module evaluated in float64 and cast to
                          float32; for hand-built graphs an equivalent
                          ``torch.nn.functional`` computation in float64 (or
                          ``onnx.reference.ReferenceEvaluator`` when the
                          installed onnx has it);
* one ``manifest.json`` describing all models (names, opsets, tensor names,
  shapes, op types, covered features, node scopes).

Every file is then checked: ``onnx.checker.check_model`` (full check) where the
installed onnx knows the model's opset (Debian's onnx 1.12 knows opsets <= 17;
for newer opsets it checks a copy with Pad/ReduceMean/AveragePool rewritten in
their opset-17 forms), ``onnx.reference.ReferenceEvaluator`` where available,
and an independent float64 NumPy interpreter of the ONNX graph (defined below)
whose result must match the reference output to 1e-5 relative.  A summary
table is printed at the end; the exit status is non-zero if any check fails.

Everything is seeded (``torch.manual_seed`` per model), so running the script
again rewrites byte-identical files with the same torch/onnx versions.

How to run
----------
From the repository root (Debian packages ``python3-torch`` and
``python3-onnx``; the interpreter is Debian's, not the first ``python3`` on
PATH)::

    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 scripts/export-test-models.py
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "onnx")
GENERATOR = "scripts/export-test-models.py"
RTOL = 1e-5
MAX_MODEL_BYTES = 200 * 1024

try:  # onnx >= 1.13
    from onnx.reference import ReferenceEvaluator  # type: ignore
except ImportError:  # Debian bookworm ships onnx 1.12
    ReferenceEvaluator = None

KNOWN_OPSET = onnx.defs.onnx_opset_version()


# ---------------------------------------------------------------------------
# Deterministic parameter helpers
# ---------------------------------------------------------------------------


def randomize_batchnorm(bn: nn.modules.batchnorm._BatchNorm) -> None:
    """Give a BatchNorm non-trivial running statistics and affine parameters."""
    c = bn.num_features
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(c) * 0.5)
        bn.running_var.copy_(torch.rand(c) * 1.5 + 0.5)
        bn.weight.copy_(torch.rand(c) + 0.5)
        bn.bias.copy_(torch.randn(c) * 0.3)
        bn.num_batches_tracked.fill_(100)


def randomize_all_batchnorms(model: nn.Module) -> None:
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            randomize_batchnorm(m)


# ---------------------------------------------------------------------------
# PyTorch models
# ---------------------------------------------------------------------------


class BranchNet(nn.Module):
    """3x16x16 -> stem (strided conv, BN2d, ReLU) -> two branches concatenated
    on channels (grouped dilated conv | ZeroPad2d -> conv) -> AvgPool with
    count_include_pad=True -> x.view(x.size(0), -1) -> Linear, BN1d, ReLU,
    Dropout, Linear -> LogSoftmax."""

    def __init__(self, classes: int = 5) -> None:
        super().__init__()
        self.stem = nn.Sequential()
        self.stem.add_module("conv", nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1))
        self.stem.add_module("bn", nn.BatchNorm2d(8))
        self.stem.add_module("relu", nn.ReLU())
        # 8x8x8 -> 4x8x8 (grouped, dilated, padded)
        self.branch_a = nn.Sequential()
        self.branch_a.add_module(
            "conv", nn.Conv2d(8, 4, kernel_size=3, padding=2, dilation=2, groups=2)
        )
        self.branch_a.add_module("relu", nn.ReLU())
        # 8x8x8 -> pad -> 8x10x10 -> 4x8x8
        self.branch_b = nn.Sequential()
        self.branch_b.add_module("pad", nn.ZeroPad2d(1))
        self.branch_b.add_module("conv", nn.Conv2d(8, 4, kernel_size=3, padding=0))
        self.branch_b.add_module("relu", nn.ReLU())
        # 8x8x8 -> 8x4x4
        self.pool = nn.AvgPool2d(kernel_size=3, stride=2, padding=1, count_include_pad=True)
        self.classifier = nn.Sequential()
        self.classifier.add_module("fc1", nn.Linear(8 * 4 * 4, 16))
        self.classifier.add_module("bn", nn.BatchNorm1d(16))
        self.classifier.add_module("relu", nn.ReLU())
        self.classifier.add_module("dropout", nn.Dropout(0.25))
        self.classifier.add_module("fc2", nn.Linear(16, classes))
        self.log_softmax = nn.LogSoftmax(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        x = torch.cat([self.branch_a(x), self.branch_b(x)], dim=1)
        x = self.pool(x)
        x = x.view(x.size(0), -1)
        return self.log_softmax(self.classifier(x))


class ResBlock(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(c, c, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.relu2 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu1(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu2(y + x)


class ResNetTiny(nn.Module):
    """1x12x12 -> conv, ReLU -> residual block (conv, BN2d, ReLU, conv, BN2d,
    Add skip, ReLU) -> MaxPool(2) without padding -> AdaptiveAvgPool2d(1) ->
    nn.Flatten -> Linear -> Softmax."""

    def __init__(self, classes: int = 4) -> None:
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("conv", nn.Conv2d(1, 6, kernel_size=3, padding=1))
        self.features.add_module("relu", nn.ReLU())
        self.features.add_module("block", ResBlock(6))
        self.features.add_module("pool", nn.MaxPool2d(kernel_size=2, stride=2))
        self.features.add_module("gap", nn.AdaptiveAvgPool2d(1))
        self.head = nn.Sequential()
        self.head.add_module("flatten", nn.Flatten())
        self.head.add_module("fc", nn.Linear(6, classes))
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.softmax(self.head(self.features(x)))


class PoolNet(nn.Module):
    """3x16x16 -> conv (groups=3, stride 1, padding 1), ReLU -> MaxPool with
    padding -> F.pad -> AvgPool with count_include_pad=False -> reshape to
    [N, C, H*W] -> Linear on a 3-D tensor (MatMul+Add) -> ReLU ->
    x.reshape(x.shape[0], -1) -> x @ W + b (MatMul+Add). No final softmax."""

    def __init__(self, classes: int = 6) -> None:
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("conv", nn.Conv2d(3, 6, kernel_size=3, padding=1, groups=3))
        self.features.add_module("relu", nn.ReLU())
        # 6x16x16 -> 6x8x8
        self.features.add_module("maxpool", nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        # after F.pad(1,2,1,2): 6x11x11 -> 6x6x6
        self.avgpool = nn.AvgPool2d(kernel_size=3, stride=2, padding=1, count_include_pad=False)
        self.token_fc = nn.Linear(36, 8)
        self.token_relu = nn.ReLU()
        self.out_weight = nn.Parameter(torch.randn(6 * 8, classes) * 0.2)
        self.out_bias = nn.Parameter(torch.randn(classes) * 0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = F.pad(x, (1, 2, 1, 2))  # left, right, top, bottom
        x = self.avgpool(x)
        x = x.reshape(x.shape[0], x.shape[1], -1)  # [N, 6, 36]
        x = self.token_relu(self.token_fc(x))  # [N, 6, 8]
        x = x.reshape(x.shape[0], -1)  # [N, 48]
        return x @ self.out_weight + self.out_bias


class MlpBn(nn.Module):
    """1x8x8 -> nn.Flatten -> Linear, BN1d, ReLU, Dropout -> Linear, BN1d,
    ReLU -> Linear -> Softmax."""

    def __init__(self, classes: int = 3) -> None:
        super().__init__()
        self.body = nn.Sequential()
        self.body.add_module("flatten", nn.Flatten())
        self.body.add_module("fc1", nn.Linear(64, 8))
        self.body.add_module("bn1", nn.BatchNorm1d(8))
        self.body.add_module("relu1", nn.ReLU())
        self.body.add_module("dropout", nn.Dropout(0.5))
        self.body.add_module("fc2", nn.Linear(8, 8))
        self.body.add_module("bn2", nn.BatchNorm1d(8))
        self.body.add_module("relu2", nn.ReLU())
        self.body.add_module("fc3", nn.Linear(8, classes))
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.softmax(self.body(x))


# ---------------------------------------------------------------------------
# Model specifications
# ---------------------------------------------------------------------------


@dataclass
class Spec:
    name: str
    opset: int
    seed: int
    input_name: str
    output_name: str
    input_shape: tuple[int, ...]  # including the batch actually stored
    dynamic_batch: bool
    covers: list[str]
    must_have_ops: list[str]
    description: str
    # exported models
    factory: Callable[[], nn.Module] | None = None
    # hand-built models: returns (ModelProto, reference fn taking float64 torch input)
    builder: Callable[["Spec"], tuple[onnx.ModelProto, Callable[[torch.Tensor], torch.Tensor]]] | None = None
    # exported models: fold all-constant subgraphs (e.g. the pads computation
    # torch emits for F.pad) into initializers after export
    fold_constants: bool = False
    extra_notes: list[str] = field(default_factory=list)


BRANCH_COVERS = [
    "Conv groups=2",
    "Conv dilation=2",
    "Conv stride=2",
    "Conv padding",
    "Concat channel concat of two branches",
    "Pad constant (nn.ZeroPad2d) feeding Conv",
    "BatchNormalization after Conv (BatchNorm2d)",
    "BatchNormalization after Linear (BatchNorm1d)",
    "Shape-Gather-Unsqueeze-Concat-Reshape chain (x.view(x.size(0), -1))",
    "dynamic batch axis",
    "AvgPool2d(padding=1, count_include_pad=True): torch writes Pad + AveragePool(pads=0)",
    "Pad constant (from AvgPool2d) feeding AveragePool, pads from a Constant node",
    "Gemm transB=1 (Linear on 2-D input)",
    "ReLU",
    "Dropout (eval)",
    "LogSoftmax (trailing)",
]

RESNET_COVERS = [
    "Conv padding",
    "Conv without bias",
    "BatchNormalization after Conv (BatchNorm2d)",
    "residual Add of two tensors",
    "MaxPool without padding",
    "GlobalAveragePool (AdaptiveAvgPool2d(1))",
    "Flatten (nn.Flatten)",
    "Gemm transB=1 (Linear on 2-D input)",
    "ReLU",
    "Softmax (trailing)",
]

POOL_COVERS = [
    "Conv groups=3",
    "Conv padding",
    "MaxPool with padding",
    "Pad constant (F.pad, asymmetric pads, constant_value input omitted) feeding AveragePool",
    "AveragePool count_include_pad=0 (attribute absent, default) with padding",
    "Reshape to 3-D [N, C, H*W] (x.reshape(x.shape[0], x.shape[1], -1))",
    "MatMul+Add (Linear on a 3-D tensor)",
    "MatMul+Add (x @ W + b)",
    "Shape-Gather-Unsqueeze-Concat-Reshape chain (x.reshape(x.shape[0], -1))",
    "dynamic batch axis",
    "ReLU",
    "no trailing softmax (raw logits)",
]

RAW_PAD_COVER = (
    "Pad whose pads come from an unfolded constant subgraph "
    "(Constant/ConstantOfShape/Concat/Reshape/Slice step -1/Transpose/Reshape/Cast), as torch 1.13 writes it"
)
FOLDED_PAD_COVER = "Pad whose pads are an initializer (constant subgraph folded after export)"

MLP_COVERS = [
    "Flatten (nn.Flatten)",
    "Gemm transB=1 (Linear on 2-D input)",
    "BatchNormalization after Linear (BatchNorm1d)",
    "ReLU",
    "Dropout (eval)",
    "dynamic batch axis",
    "Softmax (trailing)",
]


def exported_specs() -> list[Spec]:
    return [
        Spec(
            name="branchnet_op11",
            opset=11,
            seed=1101,
            input_name="image",
            output_name="log_probs",
            input_shape=(3, 3, 16, 16),
            dynamic_batch=True,
            covers=BRANCH_COVERS + [RAW_PAD_COVER],
            must_have_ops=[
                "Conv", "Concat", "Pad", "BatchNormalization", "Shape", "Gather",
                "Unsqueeze", "Reshape", "AveragePool", "Gemm", "Relu", "LogSoftmax",
            ],
            description=BranchNet.__doc__ or "",
            factory=BranchNet,
        ),
        Spec(
            name="resnet_tiny_op11_batch1",
            opset=11,
            seed=1102,
            input_name="x",
            output_name="y",
            input_shape=(1, 1, 12, 12),
            dynamic_batch=False,
            covers=RESNET_COVERS + ["fixed batch 1 (no dynamic axis)"],
            must_have_ops=[
                "Conv", "BatchNormalization", "Add", "MaxPool", "GlobalAveragePool",
                "Flatten", "Gemm", "Relu", "Softmax",
            ],
            description=ResNetTiny.__doc__ or "",
            factory=ResNetTiny,
        ),
        Spec(
            name="resnet_tiny_op13",
            opset=13,
            seed=1301,
            input_name="input.1",
            output_name="probabilities",
            input_shape=(2, 1, 12, 12),
            dynamic_batch=True,
            covers=RESNET_COVERS + ["dynamic batch axis"],
            must_have_ops=[
                "Conv", "BatchNormalization", "Add", "MaxPool", "GlobalAveragePool",
                "Flatten", "Gemm", "Relu", "Softmax",
            ],
            description=ResNetTiny.__doc__ or "",
            factory=ResNetTiny,
        ),
        Spec(
            name="poolnet_op13",
            opset=13,
            seed=1302,
            input_name="images",
            output_name="scores",
            input_shape=(3, 3, 16, 16),
            dynamic_batch=True,
            covers=POOL_COVERS + [FOLDED_PAD_COVER],
            fold_constants=True,
            must_have_ops=[
                "Conv", "MaxPool", "Pad", "AveragePool", "MatMul", "Add", "Shape",
                "Gather", "Unsqueeze", "Concat", "Reshape", "Relu",
            ],
            description=PoolNet.__doc__ or "",
            factory=PoolNet,
        ),
        Spec(
            name="mlp_bn_op13",
            opset=13,
            seed=1303,
            input_name="pixels",
            output_name="class_probs",
            input_shape=(3, 1, 8, 8),
            dynamic_batch=True,
            covers=MLP_COVERS,
            must_have_ops=["Flatten", "Gemm", "BatchNormalization", "Relu", "Softmax"],
            description=MlpBn.__doc__ or "",
            factory=MlpBn,
        ),
        Spec(
            name="branchnet_op17",
            opset=17,
            seed=1701,
            input_name="data",
            output_name="logprob",
            input_shape=(2, 3, 16, 16),
            dynamic_batch=True,
            covers=BRANCH_COVERS + [FOLDED_PAD_COVER],
            fold_constants=True,
            must_have_ops=[
                "Conv", "Concat", "Pad", "BatchNormalization", "Shape", "Gather",
                "Unsqueeze", "Reshape", "AveragePool", "Gemm", "Relu", "LogSoftmax",
            ],
            description=BranchNet.__doc__ or "",
            factory=BranchNet,
        ),
        Spec(
            name="poolnet_op17",
            opset=17,
            seed=1702,
            input_name="input",
            output_name="logits",
            input_shape=(2, 3, 16, 16),
            dynamic_batch=True,
            covers=POOL_COVERS + [RAW_PAD_COVER],
            must_have_ops=[
                "Conv", "MaxPool", "Pad", "AveragePool", "MatMul", "Add", "Shape",
                "Gather", "Unsqueeze", "Concat", "Reshape", "Relu",
            ],
            description=PoolNet.__doc__ or "",
            factory=PoolNet,
        ),
        Spec(
            name="mlp_bn_op17",
            opset=17,
            seed=1703,
            input_name="flat_in",
            output_name="softmax_out",
            input_shape=(2, 1, 8, 8),
            dynamic_batch=True,
            covers=MLP_COVERS,
            must_have_ops=["Flatten", "Gemm", "BatchNormalization", "Relu", "Softmax"],
            description=MlpBn.__doc__ or "",
            factory=MlpBn,
        ),
    ]


# ---------------------------------------------------------------------------
# Hand-built graphs: opsets 18-21, plus one at opset 13 for what torch 1.13
# never writes (AveragePool count_include_pad=1 with pads, ReduceMean)
# ---------------------------------------------------------------------------


def f32(t: torch.Tensor) -> np.ndarray:
    return t.detach().to(torch.float32).numpy()


def init(name: str, arr: np.ndarray) -> TensorProto:
    return numpy_helper.from_array(np.ascontiguousarray(arr), name)


def i64(name: str, values: list[int]) -> TensorProto:
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def normalize_axes(axes: list[int], rank: int) -> list[int]:
    return [a + rank if a < 0 else a for a in axes]


def torch_pad_with_axes(x: torch.Tensor, pads: list[int], axes: list[int], value: float) -> torch.Tensor:
    """ONNX Pad (constant) with an ``axes`` input, via F.pad."""
    rank = x.dim()
    axes = normalize_axes(axes, rank)
    k = len(axes)
    full_begin = [0] * rank
    full_end = [0] * rank
    for i, a in enumerate(axes):
        full_begin[a] = pads[i]
        full_end[a] = pads[k + i]
    torch_pads: list[int] = []
    for a in reversed(range(rank)):  # F.pad lists the last axis first
        torch_pads += [full_begin[a], full_end[a]]
    return F.pad(x, torch_pads, mode="constant", value=value)


def torch_avgpool_dilated(
    x: torch.Tensor,
    kernel: list[int],
    strides: list[int],
    pads: list[int],  # ONNX order: [h_begin, w_begin, h_end, w_end]
    dilations: list[int],
    count_include_pad: bool,
) -> torch.Tensor:
    """ONNX AveragePool (2-D, ceil_mode=0) with dilations, via F.unfold."""
    n, c, h, w = x.shape
    torch_pads = [pads[1], pads[3], pads[0], pads[2]]
    xp = F.pad(x, torch_pads)
    mask = F.pad(torch.ones(1, 1, h, w, dtype=x.dtype), torch_pads)
    cols = F.unfold(xp, kernel_size=kernel, dilation=dilations, stride=strides)
    mcols = F.unfold(mask, kernel_size=kernel, dilation=dilations, stride=strides)
    kk = kernel[0] * kernel[1]
    hp, wp = h + pads[0] + pads[2], w + pads[1] + pads[3]
    oh = (hp - ((kernel[0] - 1) * dilations[0] + 1)) // strides[0] + 1
    ow = (wp - ((kernel[1] - 1) * dilations[1] + 1)) // strides[1] + 1
    sums = cols.view(n, c, kk, oh * ow).sum(dim=2)
    if count_include_pad:
        out = sums / kk
    else:
        out = sums / mcols.view(1, 1, kk, oh * ow).sum(dim=2)
    return out.view(n, c, oh, ow)


@dataclass
class HandConfig:
    in_ch: int
    size: int
    conv_out: int
    conv_kernel: int
    conv_pads: list[int]
    conv_stride: int
    conv_group: int
    pad_before_conv: bool
    pad_pads: list[int]
    pad_axes: list[int]
    pad_value: float | None  # None: constant_value input omitted ('')
    pool_kernel: list[int]
    pool_strides: list[int]
    pool_pads: list[int]
    pool_dilations: list[int] | None
    count_include_pad: int
    reduce_axes: list[int]
    classes: int
    gemm_trans_b: int


def build_hand_graph(spec: Spec, cfg: HandConfig):
    """Conv/Relu/Pad/AveragePool/ReduceMean/Flatten/Gemm graph with scoped
    node names, plus an equivalent float64 torch reference function."""
    torch.manual_seed(spec.seed)
    conv_w = torch.randn(cfg.conv_out, cfg.in_ch // cfg.conv_group, cfg.conv_kernel, cfg.conv_kernel) * 0.4
    conv_b = torch.randn(cfg.conv_out) * 0.1

    def features(x: torch.Tensor) -> torch.Tensor:
        def pad(t: torch.Tensor) -> torch.Tensor:
            return torch_pad_with_axes(t, cfg.pad_pads, cfg.pad_axes, cfg.pad_value or 0.0)

        if cfg.pad_before_conv:
            x = pad(x)
        p = cfg.conv_pads  # ONNX order [h_begin, w_begin, h_end, w_end]
        x = F.conv2d(
            F.pad(x, [p[1], p[3], p[0], p[2]]),
            conv_w.to(x.dtype),
            conv_b.to(x.dtype),
            stride=cfg.conv_stride,
            groups=cfg.conv_group,
        )
        x = F.relu(x)
        if not cfg.pad_before_conv:
            x = pad(x)
        x = torch_avgpool_dilated(
            x,
            cfg.pool_kernel,
            cfg.pool_strides,
            cfg.pool_pads,
            cfg.pool_dilations or [1, 1],
            bool(cfg.count_include_pad),
        )
        x = x.mean(dim=normalize_axes(cfg.reduce_axes, 4), keepdim=True)
        return torch.flatten(x, 1)

    # The feature size reaching Gemm, from a dry run.
    probe = features(torch.zeros(1, cfg.in_ch, cfg.size, cfg.size, dtype=torch.float64))
    feat = probe.shape[1]
    fc_w = torch.randn(cfg.classes, feat) * (1.0 / feat**0.5)  # PyTorch layout [out, in]
    fc_b = torch.randn(cfg.classes) * 0.1

    def reference(x: torch.Tensor) -> torch.Tensor:
        return F.linear(features(x), fc_w.to(x.dtype), fc_b.to(x.dtype))

    axes_inputs = spec.opset >= 18  # Pad `axes` input, ReduceMean `axes` input
    if cfg.pool_dilations is not None and spec.opset < 19:
        raise ValueError(f"{spec.name}: AveragePool dilations need opset >= 19")
    # onnxruntime (like torch) rejects pooling pads that are not smaller than the kernel.
    if any(p >= cfg.pool_kernel[i % 2] for i, p in enumerate(cfg.pool_pads)):
        raise ValueError(f"{spec.name}: AveragePool pads must be smaller than the kernel")
    if axes_inputs:
        pad_pads = cfg.pad_pads
    else:  # before opset 18 Pad takes begin/end pads for every axis
        full = [0] * 8
        k = len(cfg.pad_axes)
        for i, ax in enumerate(normalize_axes(cfg.pad_axes, 4)):
            full[ax], full[4 + ax] = cfg.pad_pads[i], cfg.pad_pads[k + i]
        pad_pads = full
    inits = [
        init("features.conv.weight", f32(conv_w)),
        init("features.conv.bias", f32(conv_b)),
        i64("features.pad.pads", pad_pads),
        init(
            "classifier.fc.weight",
            f32(fc_w) if cfg.gemm_trans_b else np.ascontiguousarray(f32(fc_w).T),
        ),
        init("classifier.fc.bias", f32(fc_b)),
    ]
    if axes_inputs:
        inits += [i64("features.pad.axes", cfg.pad_axes), i64("features.reduce.axes", cfg.reduce_axes)]
    if cfg.pad_value is not None:
        inits.append(init("features.pad.value", np.array(cfg.pad_value, dtype=np.float32)))
    pad_value_input = "features.pad.value" if cfg.pad_value is not None else ""

    nodes = []
    cur = spec.input_name

    def pad_node(src: str) -> str:
        pad_inputs = [src, "features.pad.pads", pad_value_input]
        if axes_inputs:
            pad_inputs.append("features.pad.axes")
        while pad_inputs[-1] == "":
            pad_inputs.pop()
        nodes.append(
            helper.make_node(
                "Pad", pad_inputs, ["/features/pad/Pad_output_0"], name="/features/pad/Pad", mode="constant"
            )
        )
        return "/features/pad/Pad_output_0"

    if cfg.pad_before_conv:
        cur = pad_node(cur)
    nodes.append(
        helper.make_node(
            "Conv",
            [cur, "features.conv.weight", "features.conv.bias"],
            ["/features/conv/Conv_output_0"],
            name="/features/conv/Conv",
            kernel_shape=[cfg.conv_kernel, cfg.conv_kernel],
            pads=cfg.conv_pads,
            strides=[cfg.conv_stride, cfg.conv_stride],
            dilations=[1, 1],
            group=cfg.conv_group,
        )
    )
    nodes.append(
        helper.make_node(
            "Relu", ["/features/conv/Conv_output_0"], ["/features/relu/Relu_output_0"],
            name="/features/relu/Relu",
        )
    )
    cur = "/features/relu/Relu_output_0"
    if not cfg.pad_before_conv:
        cur = pad_node(cur)
    pool_attrs = dict(
        kernel_shape=cfg.pool_kernel,
        strides=cfg.pool_strides,
        pads=cfg.pool_pads,
        count_include_pad=cfg.count_include_pad,
        ceil_mode=0,
    )
    if cfg.pool_dilations is not None:
        pool_attrs["dilations"] = cfg.pool_dilations
    nodes.append(
        helper.make_node(
            "AveragePool", [cur], ["/features/pool/AveragePool_output_0"],
            name="/features/pool/AveragePool", **pool_attrs,
        )
    )
    if axes_inputs:
        reduce_node = helper.make_node(
            "ReduceMean",
            ["/features/pool/AveragePool_output_0", "features.reduce.axes"],
            ["/features/reduce/ReduceMean_output_0"],
            name="/features/reduce/ReduceMean",
            keepdims=1,
        )
    else:
        reduce_node = helper.make_node(
            "ReduceMean",
            ["/features/pool/AveragePool_output_0"],
            ["/features/reduce/ReduceMean_output_0"],
            name="/features/reduce/ReduceMean",
            axes=cfg.reduce_axes,
            keepdims=1,
        )
    nodes.append(reduce_node)
    nodes.append(
        helper.make_node(
            "Flatten", ["/features/reduce/ReduceMean_output_0"], ["/classifier/flatten/Flatten_output_0"],
            name="/classifier/flatten/Flatten", axis=1,
        )
    )
    nodes.append(
        helper.make_node(
            "Gemm",
            ["/classifier/flatten/Flatten_output_0", "classifier.fc.weight", "classifier.fc.bias"],
            [spec.output_name],
            name="/classifier/fc/Gemm",
            alpha=1.0,
            beta=1.0,
            transB=cfg.gemm_trans_b,
        )
    )
    graph = helper.make_graph(
        nodes,
        spec.name,
        [helper.make_tensor_value_info(spec.input_name, TensorProto.FLOAT, ["N", cfg.in_ch, cfg.size, cfg.size])],
        [helper.make_tensor_value_info(spec.output_name, TensorProto.FLOAT, ["N", cfg.classes])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", spec.opset)],
        producer_name="provlrp-export-test-models",
        producer_version="1",
        doc_string=spec.description,
    )
    # ir_version 8 is the newest the Debian onnx (1.12) checker accepts.
    model.ir_version = 8
    return model, reference


HAND_CONFIGS: dict[str, HandConfig] = {
    "hand_pool_reducemean_op13": HandConfig(
        in_ch=3, size=12, conv_out=6, conv_kernel=3, conv_pads=[0, 0, 0, 0], conv_stride=1, conv_group=1,
        pad_before_conv=True, pad_pads=[1, 1, 1, 1], pad_axes=[2, 3], pad_value=0.0,
        pool_kernel=[3, 3], pool_strides=[2, 2], pool_pads=[1, 1, 1, 1], pool_dilations=None,
        count_include_pad=1, reduce_axes=[2, 3], classes=4, gemm_trans_b=1,
    ),
    "hand_pad_reducemean_op18": HandConfig(
        in_ch=1, size=12, conv_out=4, conv_kernel=3, conv_pads=[1, 1, 1, 1], conv_stride=1, conv_group=1,
        pad_before_conv=False, pad_pads=[1, 2, 1, 2], pad_axes=[2, 3], pad_value=0.0,
        pool_kernel=[2, 2], pool_strides=[2, 2], pool_pads=[0, 0, 0, 0], pool_dilations=None,
        count_include_pad=0, reduce_axes=[2, 3], classes=3, gemm_trans_b=1,
    ),
    "hand_avgpool_dilations_op19": HandConfig(
        in_ch=3, size=12, conv_out=6, conv_kernel=3, conv_pads=[0, 0, 0, 0], conv_stride=1, conv_group=3,
        pad_before_conv=True, pad_pads=[1, 1, 1, 1], pad_axes=[-2, -1], pad_value=0.0,
        pool_kernel=[3, 3], pool_strides=[1, 1], pool_pads=[1, 1, 1, 1], pool_dilations=[2, 2],
        count_include_pad=1, reduce_axes=[2, 3], classes=4, gemm_trans_b=1,
    ),
    "hand_avgpool_dilations_op20": HandConfig(
        in_ch=1, size=12, conv_out=5, conv_kernel=3, conv_pads=[1, 1, 1, 1], conv_stride=2, conv_group=1,
        pad_before_conv=False, pad_pads=[1, 1], pad_axes=[3], pad_value=0.0,
        pool_kernel=[3, 2], pool_strides=[1, 1], pool_pads=[2, 1, 2, 1], pool_dilations=[2, 1],
        count_include_pad=0, reduce_axes=[-1], classes=3, gemm_trans_b=1,
    ),
    "hand_pad_pool_op21": HandConfig(
        in_ch=3, size=12, conv_out=6, conv_kernel=3, conv_pads=[1, 1, 1, 1], conv_stride=1, conv_group=1,
        pad_before_conv=False, pad_pads=[2, 0, 1, 1], pad_axes=[2, 3], pad_value=None,
        pool_kernel=[3, 2], pool_strides=[2, 2], pool_pads=[1, 0, 1, 0], pool_dilations=[1, 2],
        count_include_pad=0, reduce_axes=[2, 3], classes=5, gemm_trans_b=0,
    ),
}

HAND_BASE_COVERS = [
    "Conv",
    "ReLU",
    "Flatten",
    "dynamic batch axis (symbolic dim 'N')",
]


def hand_specs() -> list[Spec]:
    def builder_for(name: str):
        return lambda spec: build_hand_graph(spec, HAND_CONFIGS[name])

    return [
        Spec(
            name="hand_pool_reducemean_op13",
            opset=13,
            seed=1391,
            input_name="rgb",
            output_name="logit",
            input_shape=(2, 3, 12, 12),
            dynamic_batch=True,
            covers=HAND_BASE_COVERS + [
                "Pad constant, pads input for all 4 axes (opset 11-17 form) feeding Conv",
                "AveragePool count_include_pad=1 with padding (attribute form; torch 1.13 never "
                "emits it, it writes Pad + AveragePool instead)",
                "ReduceMean axes as attribute (opset < 18) [2,3], keepdims=1, then Flatten",
                "Gemm transB=1",
            ],
            must_have_ops=["Pad", "ReduceMean", "AveragePool", "Conv", "Relu", "Flatten", "Gemm"],
            description="Hand-built: Pad(pads for all axes) -> Conv -> Relu -> "
            "AveragePool(k3, s2, pads=1, count_include_pad=1) -> ReduceMean(axes=[2,3] attribute, "
            "keepdims=1) -> Flatten -> Gemm(transB=1).",
            builder=builder_for("hand_pool_reducemean_op13"),
        ),
        Spec(
            name="hand_pad_reducemean_op18",
            opset=18,
            seed=1801,
            input_name="pixels_in",
            output_name="logits_out",
            input_shape=(2, 1, 12, 12),
            dynamic_batch=True,
            covers=HAND_BASE_COVERS + [
                "Conv padding",
                "Pad constant with axes input (opset 18), pads on axes [2,3], feeding AveragePool",
                "AveragePool count_include_pad=0 without padding",
                "ReduceMean axes as input (opset 18) [2,3], keepdims=1, then Flatten",
                "Gemm transB=1",
            ],
            must_have_ops=["Pad", "ReduceMean", "AveragePool", "Conv", "Relu", "Flatten", "Gemm"],
            description="Hand-built: Conv -> Relu -> Pad(axes=[2,3]) -> AveragePool -> "
            "ReduceMean(axes input [2,3], keepdims=1) -> Flatten -> Gemm(transB=1).",
            builder=builder_for("hand_pad_reducemean_op18"),
        ),
        Spec(
            name="hand_avgpool_dilations_op19",
            opset=19,
            seed=1901,
            input_name="img",
            output_name="out",
            input_shape=(3, 3, 12, 12),
            dynamic_batch=True,
            covers=HAND_BASE_COVERS + [
                "Pad constant with negative axes input [-2,-1] (opset 18+) feeding Conv",
                "Conv groups=3",
                "AveragePool dilations=[2,2] (opset 19) with padding, count_include_pad=1",
                "ReduceMean axes as input [2,3], keepdims=1, then Flatten",
                "Gemm transB=1",
            ],
            must_have_ops=["Pad", "ReduceMean", "AveragePool", "Conv", "Relu", "Flatten", "Gemm"],
            description="Hand-built: Pad(axes=[-2,-1]) -> Conv(group=3) -> Relu -> "
            "AveragePool(dilations=[2,2], pads=1, count_include_pad=1) -> "
            "ReduceMean(axes input [2,3], keepdims=1) -> Flatten -> Gemm(transB=1).",
            builder=builder_for("hand_avgpool_dilations_op19"),
        ),
        Spec(
            name="hand_avgpool_dilations_op20",
            opset=20,
            seed=2001,
            input_name="x_20",
            output_name="y_20",
            input_shape=(2, 1, 12, 12),
            dynamic_batch=True,
            covers=HAND_BASE_COVERS + [
                "Conv stride=2",
                "Conv padding",
                "Pad constant with axes input [3] only (width)",
                "AveragePool dilations=[2,1], kernel [3,2], padding [2,1,2,1], count_include_pad=0",
                "ReduceMean axes as input [-1] (negative, width only), keepdims=1, then Flatten",
                "Gemm transB=1",
            ],
            must_have_ops=["Pad", "ReduceMean", "AveragePool", "Conv", "Relu", "Flatten", "Gemm"],
            description="Hand-built: Conv(stride 2) -> Relu -> Pad(axes=[3]) -> "
            "AveragePool(kernel [3,2], dilations=[2,1], pads=[2,1,2,1], count_include_pad=0) -> "
            "ReduceMean(axes input [-1], keepdims=1) -> Flatten -> Gemm(transB=1).",
            builder=builder_for("hand_avgpool_dilations_op20"),
        ),
        Spec(
            name="hand_pad_pool_op21",
            opset=21,
            seed=2101,
            input_name="image_21",
            output_name="class_logits",
            input_shape=(2, 3, 12, 12),
            dynamic_batch=True,
            covers=HAND_BASE_COVERS + [
                "Conv padding",
                "Pad constant with axes input [2,3] and omitted constant_value input ('')",
                "AveragePool dilations=[1,2], non-square kernel [3,2], stride 2, "
                "padding on H only, count_include_pad=0",
                "ReduceMean axes as input [2,3], keepdims=1, then Flatten",
                "Gemm transB=0 (weight stored [in, out])",
            ],
            must_have_ops=["Pad", "ReduceMean", "AveragePool", "Conv", "Relu", "Flatten", "Gemm"],
            description="Hand-built: Conv -> Relu -> Pad(pads=[2,0,1,1], constant_value omitted, "
            "axes=[2,3]) -> AveragePool(kernel [3,2], strides 2, dilations=[1,2], pads=[1,0,1,0], "
            "count_include_pad=0) -> ReduceMean(axes input [2,3], keepdims=1) -> Flatten -> "
            "Gemm(transB=0).",
            builder=builder_for("hand_pad_pool_op21"),
        ),
    ]


# ---------------------------------------------------------------------------
# Float64 NumPy interpreter for the ONNX ops used above (independent check)
# ---------------------------------------------------------------------------


def _attrs(node: onnx.NodeProto) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _pool_windows(x: np.ndarray, kernel, strides, pads, dilations, fill: float):
    """Yield (padded-input window slices, validity-mask slices) per kernel offset."""
    n, c, h, w = x.shape
    pb_h, pb_w, pe_h, pe_w = pads
    hp, wp = h + pb_h + pe_h, w + pb_w + pe_w
    xp = np.full((n, c, hp, wp), fill, dtype=x.dtype)
    xp[:, :, pb_h : pb_h + h, pb_w : pb_w + w] = x
    mp = np.zeros((hp, wp), dtype=np.float64)
    mp[pb_h : pb_h + h, pb_w : pb_w + w] = 1.0
    eff_h = (kernel[0] - 1) * dilations[0] + 1
    eff_w = (kernel[1] - 1) * dilations[1] + 1
    oh = (hp - eff_h) // strides[0] + 1
    ow = (wp - eff_w) // strides[1] + 1
    for ki in range(kernel[0]):
        for kj in range(kernel[1]):
            r0, c0 = ki * dilations[0], kj * dilations[1]
            rs = slice(r0, r0 + (oh - 1) * strides[0] + 1, strides[0])
            cs = slice(c0, c0 + (ow - 1) * strides[1] + 1, strides[1])
            yield (ki, kj), xp[:, :, rs, cs], mp[rs, cs]


def _softmax_like(x: np.ndarray, axis: int, opset: int, log: bool) -> np.ndarray:
    if opset < 13:  # coerce to 2-D at `axis`
        shape = x.shape
        axis = axis + x.ndim if axis < 0 else axis
        x2 = x.reshape(int(np.prod(shape[:axis])), -1)
        return _softmax_like(x2, 1, 13, log).reshape(shape)
    m = x.max(axis=axis, keepdims=True)
    e = np.exp(x - m)
    s = e.sum(axis=axis, keepdims=True)
    return (x - m - np.log(s)) if log else e / s


def graph_opset(model: onnx.ModelProto) -> int:
    return next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))


def _as_f64(v: np.ndarray) -> np.ndarray:
    return v.astype(np.float64) if v.dtype.kind == "f" else v


def run_numpy(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    """Evaluate the graph in float64 (integer tensors keep their dtype)."""
    opset = graph_opset(model)
    env: dict[str, np.ndarray] = {}
    for t in model.graph.initializer:
        env[t.name] = _as_f64(numpy_helper.to_array(t))
    for k, v in feeds.items():
        env[k] = v.astype(np.float64)
    for node in model.graph.node:
        out = eval_node(node, [env[i] if i else None for i in node.input], opset)
        for name, val in zip(node.output, out):
            if name:
                env[name] = val
    return [env[o.name] for o in model.graph.output]


def eval_node(node: onnx.NodeProto, ins: list, opset: int) -> list[np.ndarray]:
    """Evaluate one node of the default domain on NumPy inputs."""
    a = _attrs(node)
    op = node.op_type
    if op == "Constant":
        out = [_as_f64(numpy_helper.to_array(a["value"]))]
    elif op == "ConstantOfShape":
        v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, dtype=np.float32)
        out = [np.full([int(d) for d in ins[0]], v.reshape(-1)[0], dtype=_as_f64(v).dtype)]
    elif op == "Transpose":
        out = [np.transpose(ins[0], a.get("perm"))]
    elif op == "Slice":
        x = ins[0]
        starts, ends = ins[1].tolist(), ins[2].tolist()
        axes = ins[3].tolist() if len(ins) > 3 and ins[3] is not None else list(range(len(starts)))
        steps = ins[4].tolist() if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
        for st, en, ax, sp in zip(starts, ends, normalize_axes(axes, x.ndim), steps):
            dim = x.shape[ax]
            st = st + dim if st < 0 else st
            en = en + dim if en < 0 else en
            if sp > 0:
                st, en = min(max(st, 0), dim), min(max(en, 0), dim)
            else:
                st, en = min(max(st, 0), dim - 1), min(max(en, -1), dim - 1)
            x = np.take(x, np.arange(st, en, sp, dtype=np.int64), axis=ax)
        out = [x]
    elif op in ("Identity", "Dropout"):
        out = [ins[0]]
    elif op == "Relu":
        out = [np.maximum(ins[0], 0.0)]
    elif op in ("Add", "Sub", "Mul", "Div"):
        fn = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}[op]
        out = [fn(ins[0], ins[1])]
    elif op == "MatMul":
        out = [np.matmul(ins[0], ins[1])]
    elif op == "Gemm":
        A, B = ins[0], ins[1]
        if a.get("transA", 0):
            A = A.T
        if a.get("transB", 0):
            B = B.T
        y = a.get("alpha", 1.0) * (A @ B)
        if len(ins) > 2 and ins[2] is not None:
            y = y + a.get("beta", 1.0) * ins[2]
        out = [y]
    elif op == "Conv":
        x, w = ins[0], ins[1]
        b = ins[2] if len(ins) > 2 else None
        assert a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
        g = a.get("group", 1)
        kernel = list(w.shape[2:])
        strides = a.get("strides", [1, 1])
        pads = a.get("pads", [0, 0, 0, 0])
        dil = a.get("dilations", [1, 1])
        n, c = x.shape[:2]
        m, cg = w.shape[:2]
        mg = m // g
        acc = None
        for (ki, kj), win, _ in _pool_windows(x, kernel, strides, pads, dil, 0.0):
            parts = []
            for gi in range(g):
                xs = win[:, gi * cg : (gi + 1) * cg]
                ws = w[gi * mg : (gi + 1) * mg, :, ki, kj]
                parts.append(np.einsum("nchw,mc->nmhw", xs, ws))
            term = np.concatenate(parts, axis=1)
            acc = term if acc is None else acc + term
        if b is not None:
            acc = acc + b.reshape(1, -1, 1, 1)
        out = [acc]
    elif op in ("AveragePool", "MaxPool"):
        x = ins[0]
        assert a.get("ceil_mode", 0) == 0 and a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
        kernel = a["kernel_shape"]
        strides = a.get("strides", [1, 1])
        pads = a.get("pads", [0, 0, 0, 0])
        dil = a.get("dilations", [1, 1])
        if op == "MaxPool":
            y = None
            for _, win, _ in _pool_windows(x, kernel, strides, pads, dil, -np.inf):
                y = win if y is None else np.maximum(y, win)
            out = [y]
        else:
            s, cnt = None, None
            for _, win, msk in _pool_windows(x, kernel, strides, pads, dil, 0.0):
                s = win if s is None else s + win
                cnt = msk if cnt is None else cnt + msk
            if a.get("count_include_pad", 0):
                out = [s / (kernel[0] * kernel[1])]
            else:
                out = [s / cnt]
    elif op == "GlobalAveragePool":
        out = [ins[0].mean(axis=(2, 3), keepdims=True)]
    elif op == "ReduceMean":
        axes = a.get("axes") if opset < 18 else (ins[1].tolist() if len(ins) > 1 and ins[1] is not None else None)
        keep = bool(a.get("keepdims", 1))
        if axes is None or len(axes) == 0:
            out = [ins[0] if a.get("noop_with_empty_axes", 0) else ins[0].mean(keepdims=keep)]
        else:
            out = [ins[0].mean(axis=tuple(normalize_axes(list(axes), ins[0].ndim)), keepdims=keep)]
    elif op == "BatchNormalization":
        x, scale, bias, mean, var = ins[:5]
        shp = (1, -1) + (1,) * (x.ndim - 2)
        eps = a.get("epsilon", 1e-5)
        out = [
            (x - mean.reshape(shp)) / np.sqrt(var.reshape(shp) + eps) * scale.reshape(shp)
            + bias.reshape(shp)
        ]
    elif op == "Concat":
        out = [np.concatenate(ins, axis=a["axis"])]
    elif op == "Flatten":
        ax = a.get("axis", 1)
        x = ins[0]
        ax = ax + x.ndim if ax < 0 else ax
        out = [x.reshape(int(np.prod(x.shape[:ax])), -1)]
    elif op == "Shape":
        s = np.array(ins[0].shape, dtype=np.int64)
        out = [s[a.get("start", 0) : a.get("end", len(s))]]
    elif op == "Gather":
        out = [np.take(ins[0], ins[1], axis=a.get("axis", 0))]
    elif op == "Unsqueeze":
        axes = a["axes"] if opset < 13 else ins[1].tolist()
        y = ins[0]
        rank = y.ndim + len(axes)
        for ax in sorted(normalize_axes(list(axes), rank)):
            y = np.expand_dims(y, ax)
        out = [y]
    elif op == "Squeeze":
        axes = a.get("axes") if opset < 13 else (ins[1].tolist() if len(ins) > 1 else None)
        out = [np.squeeze(ins[0], axis=None if axes is None else tuple(axes))]
    elif op == "Reshape":
        shape = [int(s) for s in ins[1]]
        if not a.get("allowzero", 0):
            shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
        out = [ins[0].reshape(shape)]
    elif op == "Pad":
        assert a.get("mode", b"constant") in (b"constant", "constant")
        x = ins[0]
        if opset < 11:
            pads, value, axes = list(a["pads"]), a.get("value", 0.0), None
        else:
            pads = [int(p) for p in ins[1]]
            value = float(ins[2]) if len(ins) > 2 and ins[2] is not None else 0.0
            axes = ins[3].tolist() if len(ins) > 3 and ins[3] is not None else None
        if axes is None:
            axes = list(range(x.ndim))
        axes = normalize_axes(axes, x.ndim)
        k = len(axes)
        width = [(0, 0)] * x.ndim
        for i, ax in enumerate(axes):
            width[ax] = (pads[i], pads[k + i])
        if any(p < 0 for pr in width for p in pr):
            raise NotImplementedError("negative pads")
        out = [np.pad(x, width, mode="constant", constant_values=value)]
    elif op in ("Softmax", "LogSoftmax"):
        default_axis = 1 if opset < 13 else -1
        out = [_softmax_like(ins[0], a.get("axis", default_axis), opset, op == "LogSoftmax")]
    elif op == "Cast":
        to = a["to"]
        np_t = helper.tensor_dtype_to_np_dtype(to) if hasattr(helper, "tensor_dtype_to_np_dtype") else onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[to]
        out = [ins[0].astype(np.float64 if np_t.kind == "f" else np_t)]
    else:
        raise NotImplementedError(f"numpy interpreter: op {op} ({node.name})")
    return out


def fold_constant_subgraphs(model: onnx.ModelProto) -> list[str]:
    """Replace every node (other than Constant) whose inputs are all constant
    by an initializer holding its value, as onnx-simplifier would; drop the
    Constant nodes left without consumers.  Returns the folded node names."""
    opset = graph_opset(model)
    graph = model.graph
    const: dict[str, np.ndarray] = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    dtype_of: dict[str, np.dtype] = {k: v.dtype for k, v in const.items()}
    folded_nodes: list[onnx.NodeProto] = []
    for node in graph.node:
        if node.op_type == "Constant":
            v = numpy_helper.to_array(_attrs(node)["value"])
            const[node.output[0]] = v
            dtype_of[node.output[0]] = v.dtype
            continue
        if all((not i) or i in const for i in node.input) and node.op_type not in ("Shape",):
            outs = eval_node(node, [_as_f64(const[i]) if i else None for i in node.input], opset)
            for name, val in zip(node.output, outs):
                if val.dtype.kind == "f":
                    src = [dtype_of[i] for i in node.input if i and dtype_of[i].kind == "f"]
                    val = val.astype(src[0] if src else np.float32)
                const[name] = val
                dtype_of[name] = val.dtype
            folded_nodes.append(node)
    folded_ids = {id(n) for n in folded_nodes}
    kept = [n for n in graph.node if id(n) not in folded_ids]
    # Drop Constant nodes nobody reads any more (repeat: chains of them).
    graph_outputs = {o.name for o in graph.output}
    while True:
        used = {i for n in kept for i in n.input} | graph_outputs
        pruned = [n for n in kept if n.op_type != "Constant" or n.output[0] in used]
        if len(pruned) == len(kept):
            break
        kept = pruned
    used = {i for n in kept for i in n.input} | graph_outputs
    new_inits = [
        numpy_helper.from_array(np.ascontiguousarray(const[o]), o)
        for n in folded_nodes
        for o in n.output
        if o in used
    ]
    del graph.node[:]
    graph.node.extend(kept)
    graph.initializer.extend(new_inits)
    # Value-info entries of removed tensors would be stale.
    live = {o for n in kept for o in n.output}
    vi = [v for v in graph.value_info if v.name in live]
    del graph.value_info[:]
    graph.value_info.extend(vi)
    return [n.name for n in folded_nodes]


# ---------------------------------------------------------------------------
# Export, verify, write
# ---------------------------------------------------------------------------


def write_f32(path: str, arr: np.ndarray) -> None:
    np.ascontiguousarray(arr, dtype="<f4").tofile(path)


def rel_err(a: np.ndarray, ref: np.ndarray) -> float:
    a64, r64 = a.astype(np.float64), ref.astype(np.float64)
    return float(np.max(np.abs(a64 - r64)) / max(np.max(np.abs(r64)), 1e-12))


def elementwise_ok(a: np.ndarray, ref: np.ndarray) -> bool:
    scale = max(float(np.max(np.abs(ref))), 1e-12)
    return bool(np.allclose(a, ref, rtol=RTOL, atol=RTOL * scale))


def make_input(shape: tuple[int, ...]) -> torch.Tensor:
    """Sample 0 (and 2) ~ N(0, 1); sample 1 ~ U[0, 1), like a non-negative image."""
    x = torch.randn(*shape)
    if shape[0] > 1:
        x[1] = torch.rand(*shape[1:])
    return x


def export_torch(spec: Spec) -> tuple[onnx.ModelProto, np.ndarray, np.ndarray]:
    torch.manual_seed(spec.seed)
    model = spec.factory()  # type: ignore[misc]
    randomize_all_batchnorms(model)
    model.eval()
    x = make_input(spec.input_shape)
    kwargs = dict(
        opset_version=spec.opset,
        input_names=[spec.input_name],
        output_names=[spec.output_name],
        # PRESERVE keeps the eval-mode model as is and skips the eval-mode
        # peephole pass that folds BatchNormalization into the preceding Conv.
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=True,
    )
    if spec.dynamic_batch:
        kwargs["dynamic_axes"] = {spec.input_name: {0: "batch"}, spec.output_name: {0: "batch"}}
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(model, (x,), buf, **kwargs)
    proto = onnx.load_from_string(buf.getvalue())
    if spec.fold_constants:
        folded = fold_constant_subgraphs(proto)
        spec.extra_notes.append(
            "after export, all-constant subgraphs were folded into initializers by this script "
            f"(folded nodes: {', '.join(folded) or 'none'})"
        )
    else:
        spec.extra_notes.append("graph exactly as torch.onnx.export wrote it (no post-processing)")
    with torch.no_grad():
        ref = model.double()(x.double()).to(torch.float32).numpy()
    return proto, x.numpy().astype(np.float32), ref


def build_hand(spec: Spec) -> tuple[onnx.ModelProto, np.ndarray, np.ndarray]:
    proto, reference = spec.builder(spec)  # type: ignore[misc]
    torch.manual_seed(spec.seed + 50_000)
    x = make_input(spec.input_shape)
    if ReferenceEvaluator is not None and spec.opset <= KNOWN_OPSET:
        sess = ReferenceEvaluator(proto)
        ref = sess.run(None, {spec.input_name: x.numpy().astype(np.float32)})[0].astype(np.float32)
        spec.extra_notes.append("reference output computed with onnx.reference.ReferenceEvaluator")
    else:
        with torch.no_grad():
            ref = reference(x.double()).to(torch.float32).numpy()
        spec.extra_notes.append(
            "reference output computed by an equivalent torch.nn.functional computation in float64 "
            + (
                f"(onnx {onnx.__version__} has no onnx.reference.ReferenceEvaluator)"
                if ReferenceEvaluator is None
                else f"(onnx {onnx.__version__} knows opsets <= {KNOWN_OPSET})"
            )
        )
    return proto, x.numpy().astype(np.float32), ref


def downgrade_for_checker(proto: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of a hand-built opset 18+ graph with Pad/ReduceMean/AveragePool
    rewritten in their opset-17 forms (Pad pads for every axis, ReduceMean axes
    attribute, AveragePool without dilations) and the opset set to 17, so an
    onnx that only knows opset 17 can still check everything else."""
    q = onnx.ModelProto()
    q.CopyFrom(proto)
    inits = {t.name: numpy_helper.to_array(t) for t in q.graph.initializer}
    rank = len(q.graph.input[0].type.tensor_type.shape.dim)
    for n in q.graph.node:
        if n.op_type == "Pad" and len(n.input) > 3 and n.input[3]:
            pads = inits[n.input[1]].tolist()
            axes = normalize_axes(inits[n.input[3]].tolist(), rank)
            full = [0] * (2 * rank)
            for i, ax in enumerate(axes):
                full[ax], full[rank + ax] = pads[i], pads[len(axes) + i]
            name = n.input[1] + ".all_axes"
            q.graph.initializer.append(i64(name, full))
            ins = [n.input[0], name] + ([n.input[2]] if n.input[2] else [])
            del n.input[:]
            n.input.extend(ins)
        elif n.op_type == "ReduceMean" and len(n.input) > 1:
            axes = inits[n.input[1]].tolist()
            del n.input[1:]
            n.attribute.append(helper.make_attribute("axes", axes))
        elif n.op_type == "AveragePool":
            keep = [a for a in n.attribute if a.name != "dilations"]
            del n.attribute[:]
            n.attribute.extend(keep)
    for o in q.opset_import:
        if o.domain in ("", "ai.onnx"):
            o.version = min(o.version, KNOWN_OPSET)
    used = {i for n in q.graph.node for i in n.input}
    keep_inits = [t for t in q.graph.initializer if t.name in used]
    del q.graph.initializer[:]
    q.graph.initializer.extend(keep_inits)
    return q


def run_checker(proto: onnx.ModelProto, opset: int) -> str:
    try:
        onnx.checker.check_model(proto, full_check=True)
        return "ok (full_check)"
    except Exception:  # noqa: BLE001
        if opset <= KNOWN_OPSET:
            raise
        # expected: this onnx does not know the opset
    # Structure only: the dilated AveragePool changes shapes, so no full_check.
    onnx.checker.check_model(downgrade_for_checker(proto))
    return (
        f"partial: onnx {onnx.__version__} knows opsets <= {KNOWN_OPSET}, so it checked a copy with "
        f"Pad/ReduceMean/AveragePool rewritten in their opset-{KNOWN_OPSET} forms (ok); the opset-{opset} "
        "forms themselves are checked only by the NumPy interpreter of this script"
    )


def graph_form_notes(proto: onnx.ModelProto) -> list[str]:
    """Short remarks on how some ops appear in this particular file."""
    opset = graph_opset(proto)
    inits = {t.name for t in proto.graph.initializer}
    notes: list[str] = []
    seen: set[str] = set()
    for n in proto.graph.node:
        at = _attrs(n)
        if n.op_type == "Unsqueeze" and "unsq" not in seen:
            seen.add("unsq")
            notes.append(
                "Unsqueeze axes given as an attribute" if "axes" in at else "Unsqueeze axes given as a Constant input"
            )
        elif n.op_type == "BatchNormalization" and "bn" not in seen:
            seen.add("bn")
            if "training_mode" in at:
                notes.append(f"BatchNormalization carries training_mode={at['training_mode']} (opset {opset})")
        elif n.op_type == "Add" and n.input[0] in inits and "addbias" not in seen:
            seen.add("addbias")
            notes.append(f"{n.name} adds the bias as its FIRST input (Add(bias, MatMul))")
        elif n.op_type == "Pad" and "pad" not in seen:
            seen.add("pad")
            ins = list(n.input) + [""] * (4 - len(n.input))
            notes.append(
                f"{n.name}: pads from {'initializer' if ins[1] in inits else 'node output'} {ins[1]!r}, "
                + ("constant_value omitted" if not ins[2] else f"constant_value {ins[2]!r}")
                + (f", axes {ins[3]!r}" if ins[3] else "")
            )
    return notes


def op_types(proto: onnx.ModelProto) -> list[str]:
    return sorted({n.op_type for n in proto.graph.node})


def scope_summary(proto: onnx.ModelProto) -> str:
    return ", ".join(n.name for n in proto.graph.node)


def main() -> int:
    torch.set_num_threads(1)
    # The exporter warns that constant folding with TrainingMode.PRESERVE may
    # alter trainable parameters (not so here: the model is in eval mode and
    # every file is checked against the module's output) and about the Slice
    # with step -1 it cannot fold; neither matters for these fixtures.
    warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx")
    torch.use_deterministic_algorithms(True)
    if os.path.isdir(OUT_DIR):
        shutil.rmtree(OUT_DIR)
    os.makedirs(OUT_DIR)

    specs = exported_specs() + hand_specs()
    entries = []
    rows = []
    failures = 0
    for spec in specs:
        if spec.factory is not None:
            proto, x, ref = export_torch(spec)
        else:
            proto, x, ref = build_hand(spec)

        ops = op_types(proto)
        missing = [o for o in spec.must_have_ops if o not in ops]
        if missing:
            raise SystemExit(f"{spec.name}: expected op types {missing} missing from {ops}")
        if spec.fold_constants:
            left = [o for o in ("ConstantOfShape", "Slice", "Transpose", "Cast") if o in ops]
            if left:
                raise SystemExit(f"{spec.name}: constant folding left {left}")

        checker = run_checker(proto, spec.opset)
        np_out = run_numpy(proto, {spec.input_name: x})[0]
        np_err = rel_err(np_out, ref)
        np_ok = elementwise_ok(np_out, ref)
        ref_eval = "n/a"
        if ReferenceEvaluator is not None and spec.opset <= KNOWN_OPSET:
            ro = ReferenceEvaluator(proto).run(None, {spec.input_name: x})[0]
            ref_eval = f"{rel_err(ro, ref):.1e}" + ("" if elementwise_ok(ro, ref) else " FAIL")
            np_ok = np_ok and elementwise_ok(ro, ref)
        if not np_ok:
            failures += 1

        onnx_file = f"{spec.name}.onnx"
        data = proto.SerializeToString()
        if len(data) > MAX_MODEL_BYTES:
            raise SystemExit(f"{spec.name}: {len(data)} bytes exceeds {MAX_MODEL_BYTES}")
        with open(os.path.join(OUT_DIR, onnx_file), "wb") as fh:
            fh.write(data)
        write_f32(os.path.join(OUT_DIR, f"{spec.name}.input.bin"), x)
        write_f32(os.path.join(OUT_DIR, f"{spec.name}.logits.bin"), ref)

        node_names = [n.name for n in proto.graph.node]
        notes = [" ".join(spec.description.split()).rstrip(".")]
        if spec.factory is not None:
            notes.append(
                f"exported by torch.onnx.export (TorchScript exporter), opset {spec.opset}, eval mode, "
                "training=TrainingMode.PRESERVE"
                + (" so BatchNormalization stays a node (not folded into Conv/Gemm)" if "BatchNormalization" in ops else "")
                + "; reference output = the module in float64, cast to float32"
            )
        else:
            notes.append(
                f"ir_version {proto.ir_version}; onnx.checker: {checker}"
            )
        last_op = next(n.op_type for n in proto.graph.node if spec.output_name in n.output)
        output_kind = {"Softmax": "probabilities", "LogSoftmax": "log_probabilities"}.get(last_op, "logits")
        if output_kind != "logits":
            notes.append(f"the output is {last_op} {output_kind.replace('_', '-')} (not raw logits)")
        if "Dropout" in " ".join(spec.covers) and "Dropout" not in ops:
            notes.append("Dropout was removed by the exporter (eval mode), as expected")
        notes.extend(graph_form_notes(proto))
        scopes = []
        for nm in node_names:
            sc = nm.rsplit("/", 1)[0] if nm.startswith("/") else "(no scope)"
            sc = sc or "/ (top level)"
            if sc not in scopes:
                scopes.append(sc)
        notes.append("node scopes: " + ", ".join(scopes))
        notes.extend(spec.extra_notes)

        batch = spec.input_shape[0]
        entries.append(
            {
                "name": spec.name,
                "file": onnx_file,
                "opset": spec.opset,
                "ir_version": proto.ir_version,
                "input_name": spec.input_name,
                "output_name": spec.output_name,
                "dynamic_batch": spec.dynamic_batch,
                "output_kind": output_kind,
                "input": {"file": f"{spec.name}.input.bin", "shape": list(x.shape), "dtype": "float32"},
                "logits": {"file": f"{spec.name}.logits.bin", "shape": list(ref.shape), "dtype": "float32"},
                "op_types": ops,
                "covers": spec.covers,
                "node_names": node_names,
                "notes": "; ".join(notes),
            }
        )
        assert ref.shape[0] == batch
        rows.append(
            (
                spec.name,
                str(spec.opset),
                "x".join(map(str, x.shape)),
                "x".join(map(str, ref.shape)),
                "dyn" if spec.dynamic_batch else "fixed",
                f"{len(data) / 1024:.1f}",
                "ok" if checker.startswith("ok") else "partial",
                f"{np_err:.1e}" + ("" if np_ok else " FAIL"),
                ref_eval,
                " ".join(ops),
            )
        )

    manifest = {
        "generator": GENERATOR,
        "torch_version": torch.__version__,
        "onnx_version": onnx.__version__,
        "numpy_version": np.__version__,
        "format": {
            "input": "float32 raw little-endian, C order, NCHW; sample 1 ~ U[0,1), other samples ~ N(0,1)",
            "logits": "float32 raw little-endian, C order; the model's output: see output_kind "
            "(logits, probabilities after Softmax, or log_probabilities after LogSoftmax)",
        },
        "models": entries,
    }
    with open(os.path.join(OUT_DIR, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")

    header = ("model", "opset", "input", "output", "batch", "KiB", "checker", "numpy rel", "refeval", "op types")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    total = sum(os.path.getsize(os.path.join(OUT_DIR, f)) for f in os.listdir(OUT_DIR))
    print(f"\ntorch {torch.__version__}, onnx {onnx.__version__}; {len(entries)} models; "
          f"{OUT_DIR} holds {total / 1024:.1f} KiB")
    if failures:
        print(f"{failures} model(s) FAILED verification", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

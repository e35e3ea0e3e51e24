#!/usr/bin/python3
"""Export the small PyTorch references of provlrp's operator tests to ``test/fixtures/ops/``.

What it writes
--------------
* ``activations.json``: every activation PyTorch has that provlrp imports, evaluated in float64
  at fixed points (the forward references of test/nn/ops/activations.test.ts);
* ``activations_op<N>.onnx`` for N in 13 and 17: a seeded chain Linear → activation → Linear →
  … through every activation once (module ``<i>`` of an ``nn.Sequential``), exported with
  ``torch.onnx.export``; at opset 13 GELU, HardSwish and SiLU are written as subgraphs, at 17
  HardSwish is one node;
* ``activations.input.bin`` (float32, [3, 4]) and ``activations.logits.bin`` (float32 [3, 3], the
  module in float64 cast to float32);
* ``shapes_op<N>.onnx`` with ``shapes.input.bin`` ([2, 3, 4]) and ``shapes.logits.bin`` ([2, 3]): a
  Linear over the last axis, then transpose, split, strided slices, unsqueeze + expand(-1, 2, …),
  a gather of one index, repeat (Tile), a mean over one axis (ReduceMean), flatten and concat;
* ``gating_op<N>.onnx`` with ``gating.input.bin`` ([2, 3, 5, 5]) and ``gating.logits.bin``
  ([2, 4]): EfficientNet's squeeze-excitation (conv, SiLU, pool, 1×1 convs, Sigmoid, Mul of two
  activations), then a scale by a constant, a shift by a constant map and a Div by a constant;
* ``attention_op<N>.onnx`` with ``attention.input.bin`` ([2, 3, 4]) and ``attention.logits.bin``
  ([2, 2]): a one-head pre-norm transformer block on 3 tokens of width 4 (positional embedding,
  LayerNorm, Q/K/V, softmax(Q·Kᵀ/√d)·V, residuals, GELU MLP), classified from the first token
  (Gather); at opset 13 LayerNorm and GELU are decomposed;
* ``mha_op<N>.onnx`` with ``mha.input.bin`` ([3, 3, 8]) and ``mha.logits.bin`` ([3, 2]):
  ``nn.MultiheadAttention(8, 2, batch_first=True)``, whose export moves the batch axis (to
  (seq, batch, d), then batch·heads) and back, classified from token 0; ``mha_nobias_op17.onnx``
  (``mha_nobias.*``, [2, 3, 8]) the same without biases; ``mha_causal_op17.onnx``
  (``mha_causal.*``, [2, 3, 8]) with a causal ``attn_mask`` of −1e9, classified from the last token;
* ``encoder_op<N>.onnx`` with ``encoder.input.bin`` ([3, 3, 8]) and ``encoder.logits.bin`` ([3, 2]):
  ``nn.TransformerEncoder`` of two ``nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)``
  and a mean over the tokens; ``encoder_nobias_op17.onnx`` (``encoder_nobias.*``, [2, 3, 8]) the
  same with every bias (LayerNorm's β included) zero;
* ``mha_seq_op<N>.onnx`` and ``encoder_seq_op<N>.onnx`` with ``<name>.input.bin`` (the ONNX input
  [3, 2, 8], sequence first, batch on axis 1) and ``<name>.logits.bin`` ([2, 2]): PyTorch's
  default (seq, batch, d) layout, a ``MultiheadAttention(8, 2)`` with a head on ``x[0]`` and a
  ``TransformerEncoderLayer(8, 2, 16)`` with a head on ``x.mean(0)``;
* ``vit_op<N>.onnx`` with ``vit.input.bin`` ([2, 3, 32, 32]) and ``vit.logits.bin`` ([2, 10]):
  torchvision's ``VisionTransformer`` (image 32, patch 8, 2 layers, 2 heads, width 32, MLP 64,
  10 classes), its class token (drawn, not zero) expanded to the batch and concatenated before
  the patches, classified from the class token;
* ``text_op<N>.onnx`` with ``text.input.bin`` (the token ids [2, 5] as float32) and
  ``text.logits.bin`` ([2, 2]): a token embedding (int64 ids), the same block, and a mean over
  the tokens (ReduceMean) as the classification head.

How to run (Debian's torch and onnx)::

    /usr/bin/python3 scripts/export-op-fixtures.py
"""

from __future__ import annotations

import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "ops")

ACTIVATIONS = {
    "clip": torch.nn.ReLU6(),
    "elu": torch.nn.ELU(alpha=0.7),
    "selu": torch.nn.SELU(),
    "gelu": torch.nn.GELU(),
    "gelu_tanh": torch.nn.GELU(approximate="tanh"),
    "sigmoid": torch.nn.Sigmoid(),
    "tanh": torch.nn.Tanh(),
    "softplus": torch.nn.Softplus(),
    "hard_sigmoid": torch.nn.Hardsigmoid(),
    "hard_swish": torch.nn.Hardswish(),
    "silu": torch.nn.SiLU(),
}

POINTS = [-7.0, -3.5, -3.0, -2.2, -1.0, -0.4, -1e-3, 0.0, 1e-3, 0.3, 1.0, 2.5, 3.0, 4.2, 6.5, 8.0]


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    x = torch.tensor(POINTS, dtype=torch.float64)
    values = {name: module(x).tolist() for name, module in ACTIVATIONS.items()}
    with open(os.path.join(OUT, "activations.json"), "w") as f:
        json.dump({"points": POINTS, "elu_alpha": 0.7, "values": values}, f, indent=1)
        f.write("\n")

    torch.manual_seed(0)
    layers: list[torch.nn.Module] = []
    width = 4
    for module in ACTIVATIONS.values():
        layers += [torch.nn.Linear(width, 6), module]
        width = 6
    layers.append(torch.nn.Linear(width, 3))
    net = torch.nn.Sequential(*layers).eval()
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(2.0)
    inputs = (torch.randn(3, 4) * 2).float()
    for opset in (13, 17):
        torch.onnx.export(
            net,
            inputs,
            os.path.join(OUT, f"activations_op{opset}.onnx"),
            opset_version=opset,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
        )
    with torch.no_grad():
        logits = net.double()(inputs.double()).float()
    inputs.numpy().tofile(os.path.join(OUT, "activations.input.bin"))
    logits.numpy().tofile(os.path.join(OUT, "activations.logits.bin"))
    print("wrote", OUT, "logits", logits.tolist())


class Shapes(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 6)
        self.fc2 = torch.nn.Linear(19, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = self.fc1(x).transpose(1, 2)
        a, b = t.split([2, 4], dim=1)
        c = b[:, 1:, ::2]
        e = a.unsqueeze(1).expand(-1, 2, -1, -1)
        g = c[:, 0]
        tiled = g.repeat(1, 2)
        m = t.mean(dim=1)
        return self.fc2(torch.relu(torch.cat([tiled, m, e.flatten(1)], dim=1)))


def shapes() -> None:
    torch.manual_seed(1)
    net = Shapes().eval()
    inputs = torch.randn(2, 3, 4).float()
    for opset in (13, 17):
        torch.onnx.export(
            net,
            inputs,
            os.path.join(OUT, f"shapes_op{opset}.onnx"),
            opset_version=opset,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
        )
    with torch.no_grad():
        logits = net.double()(inputs.double()).float()
    inputs.numpy().tofile(os.path.join(OUT, "shapes.input.bin"))
    logits.numpy().tofile(os.path.join(OUT, "shapes.logits.bin"))


class Gating(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 6, 3, padding=1)
        self.act = torch.nn.SiLU()
        self.se = torchvision_se(6, 2)
        self.offset = torch.nn.Parameter(torch.randn(6, 5, 5) * 0.1, requires_grad=False)
        self.fc = torch.nn.Linear(6 * 25, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.se(self.act(self.conv(x)))
        h = (h * 1.5 + self.offset) / 4.0
        return self.fc(h.flatten(1))


def torchvision_se(channels: int, squeezed: int) -> torch.nn.Module:
    from torchvision.ops import SqueezeExcitation

    return SqueezeExcitation(channels, squeezed, activation=torch.nn.SiLU)


def gating() -> None:
    torch.manual_seed(2)
    net = Gating().eval()
    inputs = torch.randn(2, 3, 5, 5).float()
    for opset in (13, 17):
        torch.onnx.export(
            net,
            inputs,
            os.path.join(OUT, f"gating_op{opset}.onnx"),
            opset_version=opset,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
        )
    with torch.no_grad():
        logits = net.double()(inputs.double()).float()
    inputs.numpy().tofile(os.path.join(OUT, "gating.input.bin"))
    logits.numpy().tofile(os.path.join(OUT, "gating.logits.bin"))


class Attention(torch.nn.Module):
    def __init__(self, width: int = 4, tokens: int = 3) -> None:
        super().__init__()
        self.pos = torch.nn.Parameter(torch.randn(tokens, width) * 0.5)
        self.ln1 = torch.nn.LayerNorm(width)
        self.q = torch.nn.Linear(width, width)
        self.k = torch.nn.Linear(width, width)
        self.v = torch.nn.Linear(width, width)
        self.ln2 = torch.nn.LayerNorm(width)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(width, 8), torch.nn.GELU(), torch.nn.Linear(8, width))
        self.head = torch.nn.Linear(width, 2)
        self.width = width
        with torch.no_grad():
            for ln in (self.ln1, self.ln2):
                ln.weight.copy_(1 + 0.3 * torch.randn(width))
                ln.bias.copy_(0.2 * torch.randn(width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x + self.pos
        a = self.ln1(h)
        scores = self.q(a) @ self.k(a).transpose(1, 2) / self.width**0.5
        h = h + torch.softmax(scores, dim=-1) @ self.v(a)
        h = h + self.mlp(self.ln2(h))
        return self.head(h[:, 0])


def attention() -> None:
    torch.manual_seed(3)
    net = Attention().eval()
    inputs = torch.randn(2, 3, 4).float()
    for opset in (13, 17):
        torch.onnx.export(
            net,
            inputs,
            os.path.join(OUT, f"attention_op{opset}.onnx"),
            opset_version=opset,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
        )
    with torch.no_grad():
        logits = net.double()(inputs.double()).float()
    inputs.numpy().tofile(os.path.join(OUT, "attention.input.bin"))
    logits.numpy().tofile(os.path.join(OUT, "attention.logits.bin"))


class Text(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = torch.nn.Embedding(11, 4)
        self.block = Attention(4, 5)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        b = self.block
        h = self.embed(ids) + b.pos
        a = b.ln1(h)
        scores = b.q(a) @ b.k(a).transpose(1, 2) / b.width**0.5
        h = h + torch.softmax(scores, dim=-1) @ b.v(a)
        h = h + b.mlp(b.ln2(h))
        return b.head(h.mean(dim=1))


def text() -> None:
    torch.manual_seed(4)
    net = Text().eval()
    ids = torch.tensor([[1, 7, 3, 3, 10], [0, 2, 9, 5, 4]])
    for opset in (13, 17):
        torch.onnx.export(
            net,
            ids,
            os.path.join(OUT, f"text_op{opset}.onnx"),
            opset_version=opset,
            input_names=["ids"],
            output_names=["y"],
            dynamic_axes={"ids": {0: "batch"}, "y": {0: "batch"}},
        )
    with torch.no_grad():
        logits = net.double()(ids).float()
    ids.float().numpy().tofile(os.path.join(OUT, "text.input.bin"))
    logits.numpy().tofile(os.path.join(OUT, "text.logits.bin"))


class SelfAttention(torch.nn.Module):
    """``nn.MultiheadAttention`` (batch first) on 3 tokens of width 8, 2 heads, classified from token 0."""

    def __init__(self, bias: bool = True) -> None:
        super().__init__()
        self.attn = torch.nn.MultiheadAttention(8, 2, batch_first=True, bias=bias)
        self.head = torch.nn.Linear(8, 2, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.attn(x, x, x, need_weights=False)[0][:, 0])


class CausalAttention(SelfAttention):
    """``SelfAttention`` with a causal mask of −1e9 above the diagonal (``attn_mask``, a buffer)."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("mask", torch.triu(torch.full((3, 3), -1e9), 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.attn(x, x, x, attn_mask=self.mask, need_weights=False)[0][:, -1])


class Encoder(torch.nn.Module):
    """Two ``nn.TransformerEncoderLayer`` (batch first, ReLU MLP) on 3 tokens of width 8, mean head."""

    def __init__(self) -> None:
        super().__init__()
        layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
        self.encoder = torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = torch.nn.Linear(8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(x).mean(dim=1))


class SeqFirst(torch.nn.Module):
    """PyTorch's default layout (seq, batch, d): a MultiheadAttention or an encoder layer, then a head
    on token 0 (``x[0]``) or on the mean over the tokens (``x.mean(0)``)."""

    def __init__(self, encoder: bool) -> None:
        super().__init__()
        self.encoder = encoder
        if encoder:
            self.body = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)
        else:
            self.body = torch.nn.MultiheadAttention(8, 2)
        self.head = torch.nn.Linear(8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.encoder:
            return self.head(self.body(x).mean(dim=0))
        return self.head(self.body(x, x, x, need_weights=False)[0][0])


def export(
    net: torch.nn.Module,
    inputs: torch.Tensor,
    name: str,
    opsets: tuple[int, ...] = (13, 17),
    batch_axis: int = 0,
) -> None:
    """``<name>_op<N>.onnx`` with a dynamic batch (on ``batch_axis`` of the input), ``<name>.input.bin``
    (as the ONNX input) and ``<name>.logits.bin``."""
    net = net.eval()
    for opset in opsets:
        torch.onnx.export(
            net,
            inputs,
            os.path.join(OUT, f"{name}_op{opset}.onnx"),
            opset_version=opset,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {batch_axis: "batch"}, "y": {0: "batch"}},
        )
    # NOTE: with gradients on, PyTorch takes MultiheadAttention's plain path (its no-grad fast
    # path has no bias-free form), the same arithmetic as the export.
    logits = net.double()(inputs.double()).detach().float()
    inputs.numpy().tofile(os.path.join(OUT, f"{name}.input.bin"))
    logits.numpy().tofile(os.path.join(OUT, f"{name}.logits.bin"))


def multihead() -> None:
    torch.manual_seed(5)
    export(SelfAttention(), torch.randn(3, 3, 8).float(), "mha")
    torch.manual_seed(6)
    export(SelfAttention(bias=False), torch.randn(2, 3, 8).float(), "mha_nobias", (17,))
    torch.manual_seed(12)
    export(CausalAttention(), torch.randn(2, 3, 8).float(), "mha_causal", (17,))
    torch.manual_seed(7)
    export(Encoder(), torch.randn(3, 3, 8).float(), "encoder")
    torch.manual_seed(11)
    encoder = Encoder()
    with torch.no_grad():
        for name, p in encoder.named_parameters():
            if name.endswith("bias"):
                p.zero_()
    export(encoder, torch.randn(2, 3, 8).float(), "encoder_nobias", (17,))
    torch.manual_seed(9)
    export(SeqFirst(encoder=False), torch.randn(3, 2, 8).float(), "mha_seq", batch_axis=1)
    torch.manual_seed(10)
    export(SeqFirst(encoder=True), torch.randn(3, 2, 8).float(), "encoder_seq", batch_axis=1)


def vision_transformer() -> None:
    from torchvision.models.vision_transformer import VisionTransformer

    torch.manual_seed(8)
    net = VisionTransformer(
        image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=10
    )
    with torch.no_grad():
        # torchvision starts the class token and the head at zero; a fixture needs them to matter.
        net.class_token.normal_(0, 0.5)
        net.heads.head.weight.normal_(0, 0.2)
        net.heads.head.bias.normal_(0, 0.1)
    export(net, torch.randn(2, 3, 32, 32).float(), "vit")


if __name__ == "__main__":
    multihead()
    vision_transformer()
    shapes()
    gating()
    attention()
    text()
    main()

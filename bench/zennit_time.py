#!/usr/bin/env python3
"""zennit's EpsilonPlusFlat attribution time, the anchor of bench/vgg16.bench.ts and bench/resnet18.bench.ts.

What it does
------------
Builds the torchvision model (``vgg16``, channels divided by ``--width-divisor``
as scripts/export-vgg16.py divides them, or ``resnet18``) with random weights
from ``torch.manual_seed(--seed)`` (the time of an attribution does not depend
on the weights' values), in eval mode, with ``torch.set_num_threads(--threads)``
(2 by default: the machine's cores). The composite is zennit's
``EpsilonPlusFlat`` with the canonizer zennit gives the architecture
(``SequentialMergeBatchNorm`` for VGG, ``ResNetCanonizer`` for ResNet), and one
attribution is ``zennit.attribution.Gradient`` on one 224×224 image ~ U[0, 1)
with a one-hot output relevance at the top logit: the forward and the backward
pass, as provlrp's figure includes its forward pass.

It then serves a simple line protocol on stdin/stdout so that the caller can
alternate its own runs with zennit's (A B A B: the machine's load then affects
both alike): it prints ``{"ready": ...}`` once the model is built and warmed up,
and for each line ``run`` on stdin one attribution's time
``{"ms": <milliseconds>}``; ``quit`` or the end of stdin stops it. With
``--runs N`` it runs N timed attributions by itself instead and prints their
median, minimum and maximum.

How to run
----------
With zennit 0.5.1 in a virtual environment that sees Debian's torch (the
default interpreter of the benchmarks is ../zennit-venv/bin/python beside the
checkout; set PROVLRP_ZENNIT_PYTHON to another one)::

    ../zennit-venv/bin/python bench/zennit_time.py --model vgg16 --runs 5
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def build_model(name: str, width_divisor: int):
    import torch.nn as nn
    import torchvision
    from torchvision.models.vgg import VGG, cfgs, make_layers

    if name == "resnet18":
        return torchvision.models.resnet18()
    cfg = [v if v == "M" else v // width_divisor for v in cfgs["D"]]
    model = VGG(make_layers(cfg), init_weights=True)
    if width_divisor != 1:
        channels, hidden = 512 // width_divisor, 4096 // width_divisor
        model.classifier = nn.Sequential(
            nn.Linear(channels * 7 * 7, hidden),
            nn.ReLU(True),
            nn.Dropout(p=0.5),
            nn.Linear(hidden, hidden),
            nn.ReLU(True),
            nn.Dropout(p=0.5),
            nn.Linear(hidden, 1000),
        )
    return model


def make_attribution(args: argparse.Namespace):
    import torch
    from zennit.attribution import Gradient
    from zennit.canonizers import SequentialMergeBatchNorm
    from zennit.composites import EpsilonPlusFlat
    from zennit.torchvision import ResNetCanonizer

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    model = build_model(args.model, args.width_divisor).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    canonizer = ResNetCanonizer() if args.model == "resnet18" else SequentialMergeBatchNorm()
    composite = EpsilonPlusFlat(canonizers=[canonizer])
    generator = torch.Generator().manual_seed(args.seed + 1)
    image = torch.rand((1, 3, 224, 224), generator=generator)
    with torch.no_grad():
        top = int(model(image).argmax(1)[0])
    onehot = torch.zeros((1, 1000))
    onehot[0, top] = 1.0
    attributor = Gradient(model, composite)
    attributor.__enter__()

    def attribute() -> float:
        start = time.perf_counter()
        _, relevance = attributor(image, onehot)
        elapsed = (time.perf_counter() - start) * 1000
        if not bool(relevance.isfinite().all()):
            sys.exit("zennit_time: the attribution is not finite")
        return elapsed

    return attribute, torch.__version__


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=["vgg16", "resnet18"], default="vgg16")
    parser.add_argument("--width-divisor", type=int, default=1, help="VGG-16's widths divided by this")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=0, help="time N runs by itself instead of serving stdin")
    args = parser.parse_args()
    from importlib.metadata import version

    attribute, torch_version = make_attribution(args)
    for _ in range(args.warmup):
        attribute()
    info = {"zennit": version("zennit"), "torch": torch_version, "threads": args.threads}
    if args.runs > 0:
        times = sorted(attribute() for _ in range(args.runs))
        mid = len(times) // 2
        median = times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2
        print(json.dumps({**info, "medianMs": median, "minMs": times[0], "maxMs": times[-1], "runs": len(times)}))
        return
    print(json.dumps({"ready": info}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        if command == "run":
            print(json.dumps({"ms": attribute()}), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {command!r}; send run or quit"}), flush=True)


if __name__ == "__main__":
    main()

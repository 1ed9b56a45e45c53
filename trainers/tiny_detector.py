#!/usr/bin/python3
"""fieldcap's reference trainer: a small one-scale detector trained from scratch on CPU (Debian's
python3-torch) from a fieldcap YOLO export, exported to ONNX in the YOLOv8 layout the agent reads
(output0 [1, 4 + classes, cells]: cx, cy, w, h in input pixels, then class scores; Ultralytics'
metadata: names, imgsz, task, stride).

  fieldcap train --data-dir DATA --dataset NAME --trainer \\
    "python3 trainers/tiny_detector.py --data {data_yaml} --out {out} --epochs 40"

It is a starting point and a test fixture, not a competitor to Ultralytics: images are letterboxed
to --imgsz (default 160) as the agent does (centred, padded with grey 114, RGB scaled to 0..1); each
object is assigned to the grid cell of its centre (stride 16); the loss is objectness (BCE) + centre
and log size (L1) + class (cross entropy); horizontal flips augment. Progress: one line per epoch.
"""
import argparse
import ast
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

STRIDE = 16


def read_yaml(path):
    """The few keys of a fieldcap data.yaml: path, train, val, names (a small reader: no PyYAML needed)."""
    out, names, in_names = {}, {}, False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if in_names and line.startswith("  "):
            k, v = line.strip().split(":", 1)
            v = v.strip()
            names[int(k)] = json.loads(v) if v.startswith('"') else v.strip("'")  # "person", 'person' or person
            continue
        in_names = False
        k, v = line.split(":", 1)
        v = v.strip()
        if k == "names":
            in_names = True
        else:
            out[k] = json.loads(v) if v.startswith('"') else v
    out["names"] = [names[i] for i in sorted(names)]
    return out


def letterbox(img, size):
    w, h = img.size
    s = min(size / w, size / h)
    nw, nh = round(w * s), round(h * s)
    canvas = Image.new("RGB", (size, size), (114, 114, 114))
    px, py = (size - nw) // 2, (size - nh) // 2
    canvas.paste(img.resize((nw, nh), Image.BILINEAR), (px, py))
    return canvas, s, px, py


def load(root, split, size):
    images = os.path.join(root, "images", split)
    items = []
    if not os.path.isdir(images):
        return items
    for name in sorted(os.listdir(images)):
        img = Image.open(os.path.join(images, name)).convert("RGB")
        w, h = img.size
        boxed, s, px, py = letterbox(img, size)
        x = torch.from_numpy(np.asarray(boxed, dtype=np.float32) / 255.0).permute(2, 0, 1)
        boxes = []
        label = os.path.join(root, "labels", split, os.path.splitext(name)[0] + ".txt")
        if os.path.exists(label):
            for line in open(label):
                p = line.split()
                if len(p) != 5:
                    continue  # a segment line, or an empty one: boxes only here
                c, cx, cy, bw, bh = int(p[0]), *map(float, p[1:])
                boxes.append((c, cx * w * s + px, cy * h * s + py, bw * w * s, bh * h * s))
        items.append((x, boxes))
    return items


class TinyDetector(nn.Module):
    def __init__(self, classes):
        super().__init__()

        def block(i, o, s):
            return nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.SiLU())

        self.body = nn.Sequential(block(3, 16, 2), block(16, 32, 2), block(32, 48, 1), block(48, 64, 2),
                                  block(64, 96, 2), block(96, 96, 1), block(96, 96, 1))
        self.head = nn.Conv2d(96, 5 + classes, 1)
        self.classes = classes

    def forward(self, x):
        return self.head(self.body(x))  # [B, 5 + C, G, G]: objectness, dx, dy, log w, log h, classes


class Export(nn.Module):
    """The trained net with its decoding, as the agent's YOLOv8 decoder reads it."""

    def __init__(self, net, size):
        super().__init__()
        self.net = net
        g = size // STRIDE
        ys, xs = torch.meshgrid(torch.arange(g), torch.arange(g), indexing="ij")
        self.register_buffer("gx", xs.reshape(1, -1).float())
        self.register_buffer("gy", ys.reshape(1, -1).float())

    def forward(self, x):
        p = self.net(x)
        b, c, g, _ = p.shape
        p = p.reshape(b, c, g * g)
        cx = (self.gx + torch.sigmoid(p[:, 1])) * STRIDE
        cy = (self.gy + torch.sigmoid(p[:, 2])) * STRIDE
        w = torch.exp(p[:, 3].clamp(-6, 6)) * STRIDE
        h = torch.exp(p[:, 4].clamp(-6, 6)) * STRIDE
        scores = torch.sigmoid(p[:, 0:1]) * torch.softmax(p[:, 5:], dim=1)
        return torch.cat([torch.stack([cx, cy, w, h], 1), scores], 1)


def targets(boxes, g, classes):
    obj = torch.zeros(g, g)
    box = torch.zeros(4, g, g)
    cls = torch.full((g, g), -100, dtype=torch.long)
    for c, cx, cy, w, h in sorted(boxes, key=lambda b: b[3] * b[4]):  # larger last: it wins a shared cell
        i, j = min(g - 1, max(0, int(cx // STRIDE))), min(g - 1, max(0, int(cy // STRIDE)))
        obj[j, i] = 1
        box[:, j, i] = torch.tensor([cx / STRIDE - i, cy / STRIDE - j, math.log(max(w, 1) / STRIDE), math.log(max(h, 1) / STRIDE)])
        cls[j, i] = c
    return obj, box, cls


def loss_of(pred, obj, box, cls):
    l_obj = F.binary_cross_entropy_with_logits(pred[:, 0], obj, pos_weight=torch.tensor(5.0))
    pos = obj > 0
    if pos.sum() == 0:
        return l_obj
    dxy = torch.sigmoid(pred[:, 1:3].permute(0, 2, 3, 1)[pos])
    twh = pred[:, 3:5].permute(0, 2, 3, 1)[pos]
    t = box.permute(0, 2, 3, 1)[pos]
    l_box = F.l1_loss(dxy, t[:, 0:2]) * 5 + F.l1_loss(twh, t[:, 2:4])
    l_cls = F.cross_entropy(pred[:, 5:].permute(0, 2, 3, 1)[pos], cls[pos])
    return l_obj + l_box + l_cls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="a fieldcap YOLO export's data.yaml")
    ap.add_argument("--out", required=True, help="where to write model.onnx")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--imgsz", type=int, default=160)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.imgsz % 32:
        sys.exit("--imgsz must be a multiple of 32")
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    cfg = read_yaml(a.data)
    root = os.path.join(os.path.dirname(os.path.abspath(a.data)), cfg.get("path", "."))
    names = cfg["names"]
    train = load(root, "train", a.imgsz)
    if not train:
        sys.exit("no training images under " + os.path.join(root, "images", "train"))
    g = a.imgsz // STRIDE
    net = TinyDetector(len(names))
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.epochs * math.ceil(len(train) / a.batch))
    print(f"tiny_detector: {len(train)} training images, {len(names)} classes {names}, {a.epochs} epochs at {a.imgsz}px",
          flush=True)
    t0 = time.time()
    for epoch in range(a.epochs):
        random.shuffle(train)
        net.train()
        total = 0.0
        for k in range(0, len(train), a.batch):
            xs, objs, bxs, clss = [], [], [], []
            for x, boxes in train[k:k + a.batch]:
                if random.random() < 0.5:  # horizontal flip
                    x = torch.flip(x, [2])
                    boxes = [(c, a.imgsz - cx, cy, w, h) for c, cx, cy, w, h in boxes]
                o, b, c = targets(boxes, g, len(names))
                xs.append(x), objs.append(o), bxs.append(b), clss.append(c)
            pred = net(torch.stack(xs))
            loss = loss_of(pred, torch.stack(objs), torch.stack(bxs), torch.stack(clss))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(xs)
        print(f"epoch {epoch + 1}/{a.epochs} loss {total / len(train):.4f} ({time.time() - t0:.0f} s)", flush=True)
    net.eval()
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "model.onnx")
    model = Export(net, a.imgsz).eval()
    torch.onnx.export(model, torch.zeros(1, 3, a.imgsz, a.imgsz), path, input_names=["images"], output_names=["output0"],
                      opset_version=12)
    import onnx
    m = onnx.load(path)
    meta = {"names": str({i: n for i, n in enumerate(names)}), "imgsz": str([a.imgsz, a.imgsz]), "task": "detect",
            "stride": str(STRIDE), "description": "fieldcap tiny_detector", "author": "fieldcap trainers/tiny_detector.py"}
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(m, path)
    print(f"tiny_detector: wrote {path}", flush=True)


if __name__ == "__main__":
    main()

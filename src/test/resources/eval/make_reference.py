#!/usr/bin/python3
"""Writes awkward ground truth and detections for fieldcap's COCO evaluation, and pycocotools' figures
on them, which EvalTest holds fieldcap's own evaluator to (1e-4; it agrees to rounding).

  PYTHONPATH=COCOAPI/PythonAPI /usr/bin/python3 make_reference.py OUT_DIR

COCOAPI is github.com/cocodataset/cocoapi built with Debian's cython3, python3-dev and python3-numpy
(`python3 setup.py build_ext --inplace` in PythonAPI, with `np.float` replaced by `float` in
cocoeval.py: today's numpy has no np.float). Writes gt.json, dt_bbox.json, dt_segm.json and
expected.json (bbox and segm: the twelve figures, and per class AP and AP50).

The cases: images with no detection, images with no ground truth, a class with no ground truth, a
class with detections but no ground truth, duplicate detections, clusters of overlapping objects,
objects in all three area ranges, more than 100 detections in an image, crowd regions, tied scores."""
import contextlib
import io
import json
import os
import random
import sys

import numpy as np
from pycocotools import mask as maskUtils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

out = sys.argv[1]
rnd = random.Random(28)
W, H = 160, 120
cats = [{"id": c, "name": n} for c, n in [(1, "person"), (2, "car"), (3, "bicycle"), (4, "dog"), (7, "kite")]]
# 'dog' (4) has detections but no ground truth; 'kite' (7) has neither


def rect_mask(x, y, w, h, ellipse):
    m = np.zeros((H, W), dtype=np.uint8, order="F")
    x0, y0, x1, y1 = int(x), int(y), int(min(W, x + w)), int(min(H, y + h))
    if ellipse:
        yy, xx = np.mgrid[0:H, 0:W]
        cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, max(1, (x1 - x0) / 2), max(1, (y1 - y0) / 2)
        m[((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1] = 1
    else:
        m[y0:y1, x0:x1] = 1
    return m


def rle(m):
    r = maskUtils.encode(np.asfortranarray(m))
    r["counts"] = r["counts"].decode("ascii")
    return r


def box_of(size):
    # small (< 32^2), medium, large (> 96^2) objects
    w, h = {"s": (rnd.randint(3, 20), rnd.randint(3, 20)), "m": (rnd.randint(35, 70), rnd.randint(35, 70)),
            "l": (rnd.randint(100, 150), rnd.randint(97, 115))}[size]
    return [float(rnd.randint(0, W - w)), float(rnd.randint(0, H - h)), float(w), float(h)]


images, gts, dts_bbox, dts_segm = [], [], [], []
gid = 0
for img in range(1, 41):
    images.append({"id": img, "file_name": "%d.jpg" % img, "width": W, "height": H})
    kind = img % 8
    objs = []
    if kind != 0:  # images 8, 16, ...: no ground truth
        for _ in range(rnd.randint(1, 6)):
            objs.append((rnd.choice([1, 1, 2, 2, 3]), box_of(rnd.choice("ssmml")), rnd.random() < 0.05))
    if kind == 3:  # a cluster of overlapping objects of one class
        bx = box_of("m")
        for k in range(5):
            objs.append((1, [bx[0] + 2 * k, bx[1] + k, bx[2], bx[3]], False))
    for cat, b, crowd in objs:
        gid += 1
        ell = rnd.random() < 0.5
        m = rect_mask(*b, ell)
        area = float(maskUtils.area(rle(m)))
        gts.append({"id": gid, "image_id": img, "category_id": cat, "bbox": b, "area": area,
                    "iscrowd": 1 if crowd else 0, "segmentation": rle(m)})
    if kind == 5:  # no detections at all
        continue
    dets = []
    for cat, b, crowd in objs:
        if rnd.random() < 0.8:  # found, jittered
            j = [b[0] + rnd.uniform(-4, 4), b[1] + rnd.uniform(-4, 4), max(1.0, b[2] + rnd.uniform(-6, 6)),
                 max(1.0, b[3] + rnd.uniform(-6, 6))]
            s = round(rnd.uniform(0.3, 1.0), 2)  # two decimals: ties happen
            dets.append((cat if rnd.random() < 0.9 else rnd.choice([1, 2, 3, 4]), j, s))
            if rnd.random() < 0.15:  # a duplicate of the same detection
                dets.append(dets[-1])
    for _ in range(rnd.randint(0, 4)):  # false positives, some of a class never in the truth
        dets.append((rnd.choice([1, 2, 3, 4]), box_of(rnd.choice("sml")), round(rnd.uniform(0.05, 0.9), 2)))
    if kind == 6:  # more than 100 detections
        for _ in range(130):
            dets.append((rnd.choice([1, 2]), box_of(rnd.choice("sm")), round(rnd.uniform(0.01, 0.99), 2)))
    for cat, b, s in dets:
        b = [min(max(0.0, v), lim) for v, lim in zip(b, [W - 1, H - 1, W, H])]
        b[2] = max(1.0, min(b[2], W - b[0]))
        b[3] = max(1.0, min(b[3], H - b[1]))
        dts_bbox.append({"image_id": img, "category_id": cat, "bbox": [round(v, 2) for v in b], "score": s})
        dts_segm.append({"image_id": img, "category_id": cat, "segmentation": rle(rect_mask(*b, rnd.random() < 0.5)),
                         "score": s})

gt = {"images": images, "annotations": gts, "categories": cats}
for name, obj in [("gt.json", gt), ("dt_bbox.json", dts_bbox), ("dt_segm.json", dts_segm)]:
    with open(os.path.join(out, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))

expected = {}
with contextlib.redirect_stdout(io.StringIO()):
    coco = COCO(os.path.join(out, "gt.json"))
    for kind, dt in [("bbox", "dt_bbox.json"), ("segm", "dt_segm.json")]:
        e = COCOeval(coco, coco.loadRes(os.path.join(out, dt)), kind)
        e.evaluate()
        e.accumulate()
        e.summarize()
        p = e.eval["precision"]
        per = {}
        for k, c in enumerate(e.params.catIds):
            a = p[:, :, k, 0, 2]
            a50 = p[0, :, k, 0, 2]
            per[str(c)] = {"AP": float(np.mean(a[a > -1])) if (a > -1).any() else -1.0,
                           "AP50": float(np.mean(a50[a50 > -1])) if (a50 > -1).any() else -1.0}
        names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]
        expected[kind] = {"stats": dict(zip(names, [float(v) for v in e.stats])), "perClass": per}
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
print(json.dumps(expected["bbox"]["stats"]), len(gts), len(dts_bbox))

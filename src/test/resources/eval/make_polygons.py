#!/usr/bin/python3
"""Random polygons (some leaving the image, some with repeated points) and pycocotools' RLE of each,
which MasksTest holds fieldcap's rasteriser to, pixel for pixel.

  PYTHONPATH=COCOAPI/PythonAPI /usr/bin/python3 make_polygons.py > polygons.json"""
import json
import random

import numpy as np
from pycocotools import mask as maskUtils

rnd = random.Random(28)
out = []
for n in range(300):
    h, w = rnd.choice([(48, 64), (120, 160), (37, 51)])
    k = rnd.randint(3, 9)
    pts = []
    for _ in range(k):
        pts += [round(rnd.uniform(-5, w + 5), 2), round(rnd.uniform(-5, h + 5), 2)]
    if n % 10 == 0:
        pts += pts[-2:]  # a repeated point
    r = maskUtils.frPyObjects([pts], h, w)[0]
    counts = maskUtils.decode(r)  # check the RLE by its pixels too: runs of the column-major mask
    flat = counts.flatten(order="F")
    runs, cur, n_ = [], 0, 0
    for v in flat:
        if v != cur:
            runs.append(n_)
            cur, n_ = v, 0
        n_ += 1
    runs.append(n_)
    out.append({"h": h, "w": w, "polygon": pts, "runs": runs, "area": int(maskUtils.area(r))})
print(json.dumps(out, separators=(",", ":")))

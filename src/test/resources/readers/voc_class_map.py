#!/usr/bin/python3
"""Reads a VOC SegmentationClass PNG as the VOC devkit and trainers do (Pillow, palette mode 'P'): prints
{"mode", "width", "height", "counts": {index: pixels}, "at": [index at each x,y given]} as JSON.

    voc_class_map.py FILE.png [X,Y ...]
"""
import json
import sys

from PIL import Image

img = Image.open(sys.argv[1])
px = img.load()
counts = {}
for v in img.getdata():
    counts[v] = counts.get(v, 0) + 1
at = [px[int(a), int(b)] for a, b in (p.split(",") for p in sys.argv[2:])]
palette = img.getpalette()[:9] if img.getpalette() else None
print(json.dumps({"mode": img.mode, "width": img.width, "height": img.height,
                  "counts": {str(k): v for k, v in counts.items()}, "at": at, "palette": palette}))

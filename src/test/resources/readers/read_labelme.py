#!/usr/bin/python3
"""Loads every labelme JSON under DIR with labelme's own reader (Debian's labelme package), which also
checks imageHeight/imageWidth against the image beside the file, and prints, as JSON,
{"NAME": {"flags": {...}, "shapes": [[label, shape_type, points, score], ...], "fieldcap": {...}}}."""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from labelme.label_file import LabelFile  # noqa: E402

out = {}
for root, _, files in os.walk(sys.argv[1]):
    for fn in sorted(files):
        if fn.endswith(".json"):
            lf = LabelFile(os.path.join(root, fn))
            out[fn[:-5]] = {
                "flags": lf.flags,
                "shapes": [[s["label"], s["shape_type"], s["points"], s["other_data"].get("score")] for s in lf.shapes],
                "fieldcap": lf.otherData.get("fieldcap"),
                "imagePath": lf.imagePath,
            }
print(json.dumps(out))

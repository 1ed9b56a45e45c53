"""Reads a MOT Challenge gt.txt as py-motmetrics' motmetrics.io.load_motchallenge does (the same pandas call),
and prints, as JSON, the rows, the frames, and the frames of each id."""
import json
import sys

import pandas as pd

df = pd.read_csv(sys.argv[1], sep=r'\s+|\t+|,', index_col=[0, 1], skipinitialspace=True, header=None,
                 names=['FrameId', 'Id', 'X', 'Y', 'Width', 'Height', 'Confidence', 'ClassId', 'Visibility', 'unused'],
                 engine='python')
del df['unused']
ids = {}
for (frame, oid), row in df.iterrows():
    ids.setdefault(str(int(oid)), []).append(int(frame))
print(json.dumps({"rows": len(df), "frames": sorted({int(f) for f, _ in df.index}), "ids": ids,
                  "classes": sorted({int(c) for c in df['ClassId']}), "width": float(df['Width'].iloc[0])}))

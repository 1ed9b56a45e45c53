#!/usr/bin/python3
"""Decodes the brushlabels of a Label Studio tasks.json the way Label Studio's frontend does: thi.ng's
rle-pack `decode` (read 32 bits of count, 5 bits of word size - 1, four 4-bit run field sizes - 1;
then per run: 1 bit repeat flag, 2 bits choosing the field size, length - 1 in that many bits; a
repeat is one word filling the run, otherwise that many words follow), giving an RGBA image of
original_height x original_width. Written from that description, not from fieldcap's encoder.
Prints {"TASK_INDEX/LABEL": {"area": pixels with alpha set, "box": [x0, y0, x1, y1] inclusive}}.

    ls_brush.py tasks.json
"""
import json
import sys


class Bits:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def read(self, n):
        v = 0
        for _ in range(n):
            byte = self.data[self.pos >> 3]
            v = (v << 1) | ((byte >> (7 - (self.pos & 7))) & 1)
            self.pos += 1
        return v


def decode(rle):
    bits = Bits(rle)
    num = bits.read(32)
    word = bits.read(5) + 1
    sizes = [bits.read(4) + 1 for _ in range(4)]
    out = bytearray(num)
    i = 0
    while i < num:
        repeat = bits.read(1)
        j = i + 1 + bits.read(sizes[bits.read(2)])
        if repeat:
            v = bits.read(word)
            out[i:j] = bytes([v]) * (j - i)
            i = j
        else:
            while i < j:
                out[i] = bits.read(word)
                i += 1
    return out


tasks = json.load(open(sys.argv[1]))
result = {}
for t, task in enumerate(tasks):
    for p in task.get("predictions", []):
        for r in p["result"]:
            if r["type"] != "brushlabels":
                continue
            w, h = r["original_width"], r["original_height"]
            rgba = decode(r["value"]["rle"])
            assert len(rgba) == w * h * 4, (len(rgba), w, h)
            area, x0, y0, x1, y1 = 0, w, h, -1, -1
            for y in range(h):
                row = rgba[(y * w) * 4:(y * w + w) * 4]
                for x in range(w):
                    if row[x * 4 + 3]:
                        area += 1
                        x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
            result[f"{t}/{r['value']['brushlabels'][0]}"] = {"area": area, "box": [x0, y0, x1, y1]}
print(json.dumps(result))

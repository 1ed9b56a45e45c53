#!/usr/bin/python3
"""Field scenes with known objects, for the training loop's demo and test: crates and drums of many
sizes placed over real footage backgrounds (frames of opencv-doc's vtest.avi and Megamind.avi, taken
with ffmpeg), written as JPEGs with a COCO file of the truth. Each image's file time is its capture
time, a minute apart, so that fieldcap's grouped splits spread the scenes over train, val and test.

  scripts/make-scenes.py OUT --count N [--seed S] [--start 2026-12-01T08:00:00Z]

Writes OUT/images/scene-NNNN.jpg and OUT/annotations.json (categories: crate, drum)."""
import argparse
import datetime
import json
import os
import random
import subprocess
import tempfile

from PIL import Image, ImageDraw

FOOTAGE = ["/usr/share/doc/opencv-doc/examples/data/vtest.avi", "/usr/share/doc/opencv-doc/examples/data/Megamind.avi"]
W, H = 320, 240


def backgrounds(n, seed):
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, clip in enumerate(f for f in FOOTAGE if os.path.exists(f)):
            pattern = os.path.join(tmp, f"bg{k}-%03d.jpg")
            subprocess.run(["ffmpeg", "-loglevel", "error", "-i", clip, "-vf", f"fps=1,scale={W}:{H}", "-frames:v", str(n),
                            pattern], check=True)
            for name in sorted(os.listdir(tmp)):
                if name.startswith(f"bg{k}-"):
                    out.append(Image.open(os.path.join(tmp, name)).convert("RGB").copy())
    if not out:
        raise SystemExit("no footage: install opencv-doc (and ffmpeg)")
    random.Random(seed).shuffle(out)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=28)
    ap.add_argument("--start", default="2026-12-01T08:00:00Z")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    bgs = backgrounds(40, a.seed)
    os.makedirs(os.path.join(a.out, "images"), exist_ok=True)
    t0 = datetime.datetime.fromisoformat(a.start.replace("Z", "+00:00")).timestamp()
    images, anns = [], []
    for i in range(a.count):
        img = bgs[i % len(bgs)].copy()
        d = ImageDraw.Draw(img)
        name = f"scene-{i:04d}.jpg"
        for _ in range(rnd.randint(1, 4)):
            cls = rnd.choice([1, 2])
            w = rnd.randint(24, 90)
            h = int(w * (rnd.uniform(0.6, 1.0) if cls == 1 else rnd.uniform(1.1, 1.6)))
            x, y = rnd.randint(0, W - w), rnd.randint(0, H - h)
            if cls == 1:  # a crate: brown, darker slats
                d.rectangle([x, y, x + w - 1, y + h - 1], fill=(150, 100, 50), outline=(80, 50, 20), width=3)
                for s in range(1, 3):
                    d.line([x, y + s * h // 3, x + w - 1, y + s * h // 3], fill=(90, 60, 25), width=2)
            else:  # a drum: blue, with a lighter rim
                d.ellipse([x, y, x + w - 1, y + h - 1], fill=(40, 80, 170), outline=(150, 180, 230), width=3)
            anns.append({"id": len(anns) + 1, "image_id": i + 1, "category_id": cls, "bbox": [x, y, w, h], "area": w * h,
                         "iscrowd": 0})
        path = os.path.join(a.out, "images", name)
        img.save(path, quality=90)
        t = t0 + 60 * i
        os.utime(path, (t, t))
        images.append({"id": i + 1, "file_name": name, "width": W, "height": H})
    with open(os.path.join(a.out, "annotations.json"), "w") as f:
        json.dump({"images": images, "annotations": anns,
                   "categories": [{"id": 1, "name": "crate"}, {"id": 2, "name": "drum"}]}, f)
    print(f"make-scenes: {a.count} scenes, {len(anns)} objects in {a.out}")


if __name__ == "__main__":
    main()

"""Reads Label Studio video tasks (videorectangle) by Label Studio's documented rules, not fieldcap's code: a
region's keyframes give its box at their frame (1-based; x, y, width, height in percent of the video's size);
between a keyframe whose enabled is true and the next one the box is interpolated linearly; after a keyframe
whose enabled is false the object is gone until the next keyframe. Usage: read_ls_video.py tasks.json WIDTH HEIGHT.
Prints {"TASK/REGION": {"label": L, "frames": {FRAME0: [x, y, w, h] in pixels}}} with frames counted from 0."""
import json
import sys

tasks = json.load(open(sys.argv[1]))
width, height = float(sys.argv[2]), float(sys.argv[3])
out = {}
for t, task in enumerate(tasks):
    for pred in task.get("predictions", []):
        for r in pred["result"]:
            assert r["type"] == "videorectangle" and r["to_name"] == "video"
            seq = sorted(r["value"]["sequence"], key=lambda k: k["frame"])
            frames = {}
            for i, k in enumerate(seq):
                box = [k["x"] * width / 100, k["y"] * height / 100, k["width"] * width / 100, k["height"] * height / 100]
                frames[k["frame"] - 1] = box
                if k.get("enabled", True) and i + 1 < len(seq):
                    n = seq[i + 1]
                    nb = [n["x"] * width / 100, n["y"] * height / 100, n["width"] * width / 100, n["height"] * height / 100]
                    for f in range(k["frame"] + 1, n["frame"]):
                        a = (f - k["frame"]) / (n["frame"] - k["frame"])
                        frames[f - 1] = [box[j] + (nb[j] - box[j]) * a for j in range(4)]
            out["%d/%s" % (t, r["id"])] = {"label": r["value"]["labels"][0], "frames": frames,
                                            "framesCount": r["value"]["framesCount"]}
print(json.dumps(out))

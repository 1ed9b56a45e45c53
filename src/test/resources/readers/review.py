#!/usr/bin/python3
"""Plays a reviewer on a fieldcap export, the way one works in the labeling tool, and saves the result
the way the tool saves it. Of the frames with boxes, in name order, it edits four:
  1st: the 'person' box moved 10 px to the right       (kept class, IoU about 0.7: "moved")
  2nd: the 'car' box deleted                           ("deleted")
  3rd: a 'dog' box added at x=400 y=50 w=60 h=40        ("added")
  4th: the 'person' box relabelled 'cyclist'           ("relabelled")
and leaves every other box as it was.

  review.py labelme DIR [--no-tick]   edits the labelme files in place and saves them with labelme's
                                      own LabelFile.save, shapes formatted as labelme's app does; ticks
                                      the image flag 'reviewed' on every file (the reviewer looked at
                                      each), or with --no-tick on none and saves only the edited ones
  review.py labelstudio TASKS OUT     turns each task's prediction into an annotation (as a reviewer
                                      who accepts it in Label Studio), makes the edits, cancels the
                                      annotation of the first task without boxes, and writes Label
                                      Studio's JSON export to OUT
"""
import json
import os
import sys


def labelme(root, tick=True):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from labelme.label_file import LabelFile

    files = sorted(os.path.join(root, f) for f in os.listdir(root) if f.endswith(".json"))
    edited = 0
    for path in files:
        lf = LabelFile(path)
        shapes = []
        for s in lf.shapes:
            # what labelme's app writes for a shape: its other data (the score), then its own keys
            d = dict(s["other_data"])
            d.update(label=s["label"], points=s["points"], group_id=s["group_id"], shape_type=s["shape_type"],
                     flags=s["flags"])
            shapes.append(d)
        edit = bool(lf.shapes) and edited < 4
        if edit:
            if edited == 0:
                p = next(d for d in shapes if d["label"] == "person")
                p["points"] = [[x + 10, y] for x, y in p["points"]]
            elif edited == 1:
                shapes = [d for d in shapes if d["label"] != "car"]
            elif edited == 2:
                shapes.append(dict(label="dog", points=[[400, 50], [460, 90]], group_id=None, shape_type="rectangle",
                                   flags={}))
            else:
                next(d for d in shapes if d["label"] == "person")["label"] = "cyclist"
            edited += 1
        elif not tick:
            continue  # looked at by nobody: the file stays as exported
        flags = dict(lf.flags)
        if tick:
            flags["reviewed"] = True
        with open(path) as f:
            size = json.load(f)  # the app takes these from the image it shows
        lf.save(path, shapes, lf.imagePath, size["imageHeight"], size["imageWidth"], None, lf.otherData, flags)
    assert edited == 4, edited


def labelstudio(tasks_file, out):
    with open(tasks_file) as f:
        tasks = json.load(f)
    tasks.sort(key=lambda t: t["data"]["image"])
    edited = 0
    cancelled = False
    for n, t in enumerate(tasks, 1):
        t["id"] = n
        result = []
        for p in t.get("predictions", []):
            for r in p["result"]:
                r = dict(r)
                r.pop("score", None)
                r["origin"] = "prediction"
                result.append(r)
        boxes = [r for r in result if r["type"] == "rectanglelabels"]
        ann = {"id": 1000 + n, "completed_by": {"id": 7, "email": "reviewer@example.org"}, "result": result,
               "was_cancelled": False, "ground_truth": False, "created_at": "2026-11-29T10:00:00.000000Z",
               "updated_at": "2026-11-29T10:05:00.000000Z", "lead_time": 12.5, "task": n}
        if not boxes and not cancelled:
            ann["was_cancelled"] = True
            cancelled = True
        elif boxes and edited < 4:
            if edited == 0:
                p = next(r for r in boxes if r["value"]["rectanglelabels"] == ["person"])
                p["value"]["x"] += 10 / p["original_width"] * 100
                p["origin"] = "prediction-changed"
            elif edited == 1:
                car = next(r for r in boxes if r["value"]["rectanglelabels"] == ["car"])
                result.remove(car)
            elif edited == 2:
                w, h = boxes[0]["original_width"], boxes[0]["original_height"]
                result.append({"id": "added1", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
                               "original_width": w, "original_height": h, "image_rotation": 0, "origin": "manual",
                               "value": {"x": 400 / w * 100, "y": 50 / h * 100, "width": 60 / w * 100,
                                         "height": 40 / h * 100, "rotation": 0, "rectanglelabels": ["dog"]}})
            else:
                next(r for r in boxes if r["value"]["rectanglelabels"] == ["person"])["value"]["rectanglelabels"] = ["cyclist"]
            edited += 1
        t["annotations"] = [ann]
        t["total_annotations"] = 0 if ann["was_cancelled"] else 1
        t["cancelled_annotations"] = 1 if ann["was_cancelled"] else 0
    assert edited == 4 and cancelled
    with open(out, "w") as f:
        json.dump(tasks, f, indent=1)


if __name__ == "__main__":
    if sys.argv[1] == "labelme":
        labelme(sys.argv[2], tick="--no-tick" not in sys.argv)
    else:
        labelstudio(sys.argv[2], sys.argv[3])

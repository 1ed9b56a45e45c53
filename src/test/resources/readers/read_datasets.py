#!/usr/bin/python3
"""Reads a YOLO or Pascal VOC dataset with the formats' documented rules, independently of fieldcap,
and prints every box in pixels (COCO convention: top-left x, y, width, height) as JSON:
{"NAME": {"split": ..., "width": W, "height": H, "boxes": [[class, x, y, w, h], ...]}}.

  read_datasets.py yolo DIR WIDTH HEIGHT   (YOLO label files do not carry the image size)
  read_datasets.py voc DIR
"""
import json
import os
import sys
import xml.etree.ElementTree as ET


def yolo(root, width, height):
    names = {}
    in_names = False
    with open(os.path.join(root, "data.yaml")) as f:
        for line in f:
            if line.startswith("names:"):
                in_names = True
                continue
            if in_names and line.startswith("  "):
                k, v = line.strip().split(":", 1)
                names[int(k)] = json.loads(v.strip())
    out = {}
    for split in ("train", "val", "test"):
        d = os.path.join(root, "labels", split)
        for fn in sorted(os.listdir(d)):
            name = fn[:-4]
            assert os.path.isfile(os.path.join(root, "images", split, name + ".jpg")), "image missing for " + fn
            boxes = []
            with open(os.path.join(d, fn)) as f:
                for line in f:
                    c, cx, cy, w, h = line.split()
                    cx, cy, w, h = float(cx) * width, float(cy) * height, float(w) * width, float(h) * height
                    boxes.append([names[int(c)], cx - w / 2, cy - h / 2, w, h])
            out[name] = {"split": split, "width": width, "height": height, "boxes": boxes}
    return out


def voc(root):
    splits = {}
    for split in ("train", "val", "test"):
        with open(os.path.join(root, "ImageSets", "Main", split + ".txt")) as f:
            for line in f:
                if line.strip():
                    splits[line.strip()] = split
    out = {}
    for fn in sorted(os.listdir(os.path.join(root, "Annotations"))):
        a = ET.parse(os.path.join(root, "Annotations", fn)).getroot()
        name = fn[:-4]
        assert a.findtext("filename") == name + ".jpg"
        assert os.path.isfile(os.path.join(root, "JPEGImages", a.findtext("filename")))
        boxes = []
        for o in a.findall("object"):
            assert o.findtext("difficult") == "0"
            b = o.find("bndbox")
            xmin, ymin, xmax, ymax = (int(b.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
            # the devkit's convention: 1-based, inclusive
            boxes.append([o.findtext("name"), xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1])
        size = a.find("size")
        out[name] = {"split": splits[name], "width": int(size.findtext("width")),
                     "height": int(size.findtext("height")), "boxes": boxes}
    return out


def labelstudio(root):
    """Label Studio's rules: value x, y (top-left), width, height in percent of original_width/height."""
    config = ET.parse(os.path.join(root, "labeling-config.xml")).getroot()
    controls = {c.get("name"): c for c in config if c.get("toName") == "image"}
    with open(os.path.join(root, "tasks.json")) as f:
        tasks = json.load(f)
    out = {}
    for t in tasks:
        name = t["data"]["image"].rsplit("/", 1)[-1][:-4]
        assert os.path.isfile(os.path.join(root, "images", name + ".jpg"))
        boxes = []
        for p in t.get("predictions", []):
            ids = [r["id"] for r in p["result"]]
            assert len(ids) == len(set(ids)), "result ids must be unique in a task"
            for r in p["result"]:
                assert r["from_name"] in controls and r["to_name"] == "image"
                if r["type"] != "rectanglelabels":
                    continue
                v, w, h = r["value"], r["original_width"], r["original_height"]
                label = v["rectanglelabels"][0]
                assert label in [l.get("value") for l in controls[r["from_name"]]]
                boxes.append([label, v["x"] * w / 100, v["y"] * h / 100, v["width"] * w / 100, v["height"] * h / 100])
        out[name] = {"split": "train", "boxes": boxes, "frame_id": t["data"]["frame_id"]}
    return out


def cvat(root):
    """CVAT for images 1.1: box xtl, ytl, xbr, ybr are the corners in pixels; labels declared in meta."""
    a = ET.parse(os.path.join(root, "annotations.xml")).getroot()
    assert a.findtext("version") == "1.1"
    declared = {l.findtext("name") for l in a.find("meta").find("task").find("labels")}
    out = {}
    for img in a.findall("image"):
        name = img.get("name")[:-4]
        assert os.path.isfile(os.path.join(root, "images", img.get("name")))
        boxes = []
        for b in img.findall("box"):
            assert b.get("label") in declared and b.get("source") == "auto"
            xtl, ytl, xbr, ybr = (float(b.get(k)) for k in ("xtl", "ytl", "xbr", "ybr"))
            boxes.append([b.get("label"), xtl, ytl, xbr - xtl, ybr - ytl])
        for t in img.findall("tag"):
            assert t.get("label") in declared
        out[name] = {"split": "train", "boxes": boxes}
    return out


def coco(root):
    """COCO: bbox is [x, y, width, height] in pixels; category ids resolve through categories."""
    with open(os.path.join(root, "annotations.json")) as f:
        c = json.load(f)
    assert "info" in c and "licenses" in c
    cats = {k["id"]: k["name"] for k in c["categories"]}
    out = {}
    by_id = {}
    for img in c["images"]:
        assert os.path.isfile(os.path.join(root, "images", img["file_name"]))
        name = img["device"] + "_" + img["frame_id"]
        out[name] = {"split": img.get("split", "train"), "boxes": []}
        by_id[img["id"]] = name
    for a in c["annotations"]:
        x, y, w, h = a["bbox"]
        out[by_id[a["image_id"]]]["boxes"].append([cats[a["category_id"]], x, y, w, h])
    return out


if __name__ == "__main__":
    if sys.argv[1] == "coco":
        print(json.dumps(coco(sys.argv[2])))
    elif sys.argv[1] == "cvat":
        print(json.dumps(cvat(sys.argv[2])))
    elif sys.argv[1] == "labelstudio":
        print(json.dumps(labelstudio(sys.argv[2])))
    elif sys.argv[1] == "yolo":
        print(json.dumps(yolo(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
    else:
        print(json.dumps(voc(sys.argv[2])))

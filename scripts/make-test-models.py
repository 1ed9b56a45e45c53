#!/usr/bin/python3
"""Makes the small ONNX models the decoding tests use (run with Debian's /usr/bin/python3 and python3-onnx).

Each model has the input and output layout and the metadata of a real export, and a constant output
(plus 0 x the input, so the graph reads its input): the tests know exactly which boxes, classes and
scores must come out. The files are committed under src/test/resources/models, so the build does
not need Python.

    /usr/bin/python3 scripts/make-test-models.py src/test/resources/models
"""
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

NAMES = {0: "person", 1: "bicycle", 2: "car"}


def constant_model(path, input_name, input_shape, outputs, metadata):
    """outputs: list of (name, numpy array)."""
    nodes, inits, outs = [], [], []
    nodes.append(helper.make_node("ReduceMean", [input_name], ["mean"], keepdims=0))
    nodes.append(helper.make_node("Mul", ["mean", "zero"], ["nothing"]))
    inits.append(numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero"))
    for name, arr in outputs:
        inits.append(numpy_helper.from_array(arr.astype(np.float32), name + "_const"))
        nodes.append(helper.make_node("Add", [name + "_const", "nothing"], [name]))
        outs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(arr.shape)))
    graph = helper.make_graph(nodes, "test", [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, input_shape)],
                              outs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)], producer_name="fieldcap-test")
    model.ir_version = 7
    for k, v in metadata.items():
        p = model.metadata_props.add()
        p.key, p.value = k, v
    onnx.checker.check_model(model)
    onnx.save(model, path)


def ultralytics_meta(task, imgsz=(320, 320)):
    return {"names": str(NAMES), "imgsz": str(list(imgsz)), "task": task, "stride": "32",
            "description": "fieldcap test model", "author": "fieldcap"}


def main(out):
    n = 2100  # anchors of a 320x320 YOLOv8 export: 40*40 + 20*20 + 10*10
    # YOLOv8/YOLO11 detect: [1, 4+nc, N]; rows cx, cy, w, h (input pixels), then class scores
    v8 = np.zeros((1, 4 + 3, n), dtype=np.float32)
    # a person at (100, 120) 40x80 and a near-duplicate that NMS must remove; a car at (250, 200) 60x30
    for i, (cx, cy, w, h, cls, s) in enumerate([(100, 120, 40, 80, 0, 0.90), (102, 121, 40, 80, 0, 0.80),
                                                (250, 200, 60, 30, 2, 0.60), (30, 30, 10, 10, 1, 0.10)]):
        v8[0, 0:4, i] = (cx, cy, w, h)
        v8[0, 4 + cls, i] = s
    constant_model(f"{out}/yolov8-detect.onnx", "images", [1, 3, 320, 320], [("output0", v8)], ultralytics_meta("detect"))
    # the same layout and classes, but it never finds anything: a model that passes every static check and
    # fails on live frames (fleet updates must roll it back)
    constant_model(f"{out}/yolov8-zero.onnx", "images", [1, 3, 320, 320], [("output0", np.zeros_like(v8))],
                   ultralytics_meta("detect"))

    # YOLOv5 detect: [1, N, 5+nc]; cx, cy, w, h, objectness, class scores; score = obj * cls
    n5 = 6300
    v5 = np.zeros((1, n5, 5 + 3), dtype=np.float32)
    for i, (cx, cy, w, h, obj, cls, s) in enumerate([(100, 120, 40, 80, 0.9, 0, 0.9), (250, 200, 60, 30, 0.5, 2, 0.8),
                                                     (30, 30, 10, 10, 0.9, 1, 0.2)]):
        v5[0, i, 0:5] = (cx, cy, w, h, obj)
        v5[0, i, 5 + cls] = s
    constant_model(f"{out}/yolov5-detect.onnx", "images", [1, 3, 320, 320], [("output0", v5)],
                   {"names": str(NAMES), "stride": "32"})

    # end-to-end (NMS inside, YOLOv10/YOLO26 or nms=True): [1, 300, 6]; x1, y1, x2, y2, score, class
    e2e = np.zeros((1, 300, 6), dtype=np.float32)
    e2e[0, 0] = (80, 80, 120, 160, 0.9, 0)
    e2e[0, 1] = (220, 185, 280, 215, 0.6, 2)
    e2e[0, 2] = (0, 0, 10, 10, 0.1, 1)
    constant_model(f"{out}/yolo-e2e.onnx", "images", [1, 3, 320, 320], [("output0", e2e)], ultralytics_meta("detect"))

    # segmentation (-seg): output0 [1, 4+nc+32, N] with mask coefficients, output1 [1, 32, 80, 80] prototypes
    seg = np.zeros((1, 4 + 3 + 32, n), dtype=np.float32)
    seg[0, 0:4, 0] = (100, 120, 40, 80)
    seg[0, 4 + 0, 0] = 0.9
    seg[0, 4 + 3 + 0, 0] = 1.0          # instance 0 uses prototype 0
    seg[0, 0:4, 1] = (250, 200, 60, 30)
    seg[0, 4 + 2, 1] = 0.6
    seg[0, 4 + 3 + 1, 1] = 1.0          # instance 1 uses prototype 1
    protos = np.full((1, 32, 80, 80), -10.0, dtype=np.float32)
    protos[0, 0, 20:40, 20:30] = 10.0   # the person's box (80..120, 80..160 in input pixels) at stride 4
    protos[0, 1, 46:54, 55:70] = 10.0   # a car-shaped blob: (220..280, 184..216)
    constant_model(f"{out}/yolov8-seg.onnx", "images", [1, 3, 320, 320], [("output0", seg), ("output1", protos)],
                   ultralytics_meta("segment"))

    semantic(out)
    binary(out, sigmoid=True)
    binary(out, sigmoid=False)

    # a layout no family has: [1, 2, 3, 4] from a single output
    constant_model(f"{out}/unknown-layout.onnx", "images", [1, 3, 64, 64],
                   [("output0", np.zeros((1, 2, 3, 4), dtype=np.float32))], {})

    # classification: [1, nc] probabilities
    cls = np.array([[0.1, 0.7, 0.2]], dtype=np.float32)
    constant_model(f"{out}/yolo-cls.onnx", "images", [1, 3, 224, 224], [("output0", cls)],
                   ultralytics_meta("classify", (224, 224)))


SEMANTIC_NAMES = {0: "background", 1: "road", 2: "water"}


def semantic(out):
    """Semantic segmentation (as SegFormer exports: logits at 1/4 of the input): [1, 3, 32, 32] for a
    128x128 input; in output pixels, water is the square x 4..11, y 4..11, road the rows 20..31 from
    x 16 on, background the rest. Tests map these rectangles onto the frame themselves."""
    logits = np.zeros((1, 3, 32, 32), dtype=np.float32)
    logits[0, 0] = 2.0
    logits[0, 1, 20:32, 16:32] = 5.0
    logits[0, 2, 4:12, 4:12] = 4.0
    constant_model(f"{out}/semantic.onnx", "pixel_values", [1, 3, 128, 128], [("logits", logits)],
                   {"names": str(SEMANTIC_NAMES), "description": "fieldcap test model"})


def binary(out, sigmoid):
    """Binary segmentation with a dynamic input, [N, 3, H, W] -> [N, 1, H, W]: red minus blue, times 4
    (a 1x1 convolution), through a sigmoid (binary.onnx: probabilities) or not (binary-logits.onnx).
    With unit normalisation a pure red pixel scores sigmoid(4) = 0.982, grey 0.5, blue 0.018."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3, "h", "w"])
    y = helper.make_tensor_value_info("map", TensorProto.FLOAT, ["n", 1, "h", "w"])
    w = numpy_helper.from_array(np.array([4.0, 0.0, -4.0], dtype=np.float32).reshape(1, 3, 1, 1), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["logits" if sigmoid else "map"])]
    if sigmoid:
        nodes.append(helper.make_node("Sigmoid", ["logits"], ["map"]))
    graph = helper.make_graph(nodes, "binary", [x], [y], initializer=[w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)], producer_name="fieldcap-test")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, f"{out}/binary.onnx" if sigmoid else f"{out}/binary-logits.onnx")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/models")

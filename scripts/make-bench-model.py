#!/usr/bin/python3
"""Makes a YOLO11n-sized detection model with random weights and the real YOLOv8/YOLO11 output layout,
or with --semantic a SegFormer-B0-sized semantic segmentation model.

For `fieldcap bench --model` when no trained model is at hand: input images [1, 3, 640, 640], output0
[1, 84, 8400] (4 box values + 80 class scores after a sigmoid, for 80x80 + 40x40 + 20x20 anchors),
Ultralytics metadata, about 7 GFLOPs (YOLO11n: 6.5). Class logits are biased low so that, as
with a trained model on an empty scene, few boxes pass the confidence threshold.

    /usr/bin/python3 scripts/make-bench-model.py models/bench-yolo-640.onnx
    /usr/bin/python3 scripts/make-bench-model.py --semantic models/bench-seg-512.onnx
    /usr/bin/python3 scripts/make-bench-model.py --width 0.85 models/bench-yolo-640-w0.85.onnx

--width W scales every layer's channels by W (compute by about W squared): 0.85 is YOLO11n's compute
(6.0 GFLOPs, 3 GMACs), 1.75 about YOLO11s's (25 GFLOPs; YOLO11s: 21.5).

--semantic: input [1, 3, 512, 512], logits [1, 19, 128, 128] (Cityscapes' 19 classes at a quarter of
the input, as SegFormer exports give them), a strided encoder down to 1/32 whose features are
upsampled and added back at 1/4, about 8 GFLOPs (SegFormer-B0 at 512x512: 8.4).
"""
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
nodes, inits = [], []


def conv(x, cin, cout, stride, name, k=3, act=True):
    w = (rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))).astype(np.float32)
    b = np.zeros(cout, dtype=np.float32)
    inits.append(numpy_helper.from_array(w, name + "_w"))
    inits.append(numpy_helper.from_array(b, name + "_b"))
    pad = k // 2
    nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [name], kernel_shape=[k, k],
                                  strides=[stride, stride], pads=[pad] * 4))
    if not act:
        return name
    nodes.append(helper.make_node("Sigmoid", [name], [name + "_sig"]))
    nodes.append(helper.make_node("Mul", [name, name + "_sig"], [name + "_silu"]))  # SiLU, as YOLO uses
    return name + "_silu"


def head(x, cin, cells, name):
    box = conv(x, cin, 4, 1, name + "_box", k=1, act=False)
    cls = conv(x, cin, 80, 1, name + "_cls", k=1, act=False)
    inits.append(numpy_helper.from_array(np.array(-6.0, dtype=np.float32), name + "_bias"))
    nodes.append(helper.make_node("Add", [cls, name + "_bias"], [name + "_clsb"]))
    nodes.append(helper.make_node("Sigmoid", [name + "_clsb"], [name + "_score"]))
    nodes.append(helper.make_node("Concat", [box, name + "_score"], [name + "_cat"], axis=1))
    inits.append(numpy_helper.from_array(np.array([1, 84, cells], dtype=np.int64), name + "_shape"))
    nodes.append(helper.make_node("Reshape", [name + "_cat", name + "_shape"], [name + "_flat"]))
    return name + "_flat"


def save(out, name, inp, outp, in_shape, out_shape, meta):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info(inp, TensorProto.FLOAT, in_shape)],
                              [helper.make_tensor_value_info(outp, TensorProto.FLOAT, out_shape)], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="fieldcap-bench")
    model.ir_version = 7
    for k, v in meta.items():
        p = model.metadata_props.add()
        p.key, p.value = k, v
    onnx.checker.check_model(model)
    onnx.save(model, out)
    flops = 0
    shapes = {inp: tuple(in_shape[1:])}
    for n in nodes:
        if n.op_type == "Conv":
            w = next(i for i in inits if i.name == n.input[1])
            cout, cin, k, _ = w.dims
            c, h, wd = shapes[n.input[0]]
            s = dict((a.name, a.ints) for a in n.attribute)["strides"][0]
            h, wd = h // s, wd // s
            flops += 2 * cout * cin * k * k * h * wd
            shapes[n.output[0]] = (cout, h, wd)
        elif n.op_type == "Resize":
            c, h, wd = shapes[n.input[0]]
            shapes[n.output[0]] = (c, h * 8, wd * 8)
        elif n.input and n.input[0] in shapes:
            shapes[n.output[0]] = shapes[n.input[0]]
    print(f"{out}: {flops / 1e9:.1f} GFLOPs")


def semantic(out):
    x = conv("pixel_values", 3, 32, 2, "stem")   # 256
    x = conv(x, 32, 64, 2, "s1")                  # 128
    f4 = conv(x, 64, 64, 1, "s1a")
    x = conv(f4, 64, 128, 2, "s2")               # 64
    x = conv(x, 128, 128, 1, "s2a")
    x = conv(x, 128, 256, 2, "s3")               # 32
    x = conv(x, 256, 256, 1, "s3a")
    x = conv(x, 256, 256, 2, "s4")               # 16
    x = conv(x, 256, 256, 1, "s4a")
    x = conv(x, 256, 64, 1, "s4p", k=1)
    inits.append(numpy_helper.from_array(np.array([1, 1, 8, 8], dtype=np.float32), "up_scales"))
    nodes.append(helper.make_node("Resize", [x, "", "up_scales"], ["up"], mode="nearest"))  # 16 -> 128
    nodes.append(helper.make_node("Add", ["up", f4], ["fused"]))
    x = conv("fused", 64, 64, 1, "d1")
    conv(x, 64, 19, 1, "logits_conv", k=1, act=False)
    nodes.append(helper.make_node("Identity", ["logits_conv"], ["logits"]))
    names = {i: n for i, n in enumerate(["road", "sidewalk", "building", "wall", "fence", "pole", "traffic light",
                                         "traffic sign", "vegetation", "terrain", "sky", "person", "rider", "car",
                                         "truck", "bus", "train", "motorcycle", "bicycle"])}
    save(out, "bench-seg", "pixel_values", "logits", [1, 3, 512, 512], [1, 19, 128, 128],
         {"names": str(names), "description": "random weights, SegFormer-B0-sized, for benchmarks only"})


def main(out, width=1.0):
    a, b, c, d, e = (max(8, int(round(n * width / 8)) * 8) for n in (16, 32, 96, 192, 384))
    x = conv("images", 3, a, 2, "stem")        # 320
    x = conv(x, a, b, 2, "c1")                 # 160
    x = conv(x, b, c, 2, "c2")                 # 80
    x = conv(x, c, c, 1, "c2a")
    p3 = conv(x, c, c, 1, "c2b")
    x = conv(p3, c, d, 2, "c3")                # 40
    x = conv(x, d, d, 1, "c3a")
    p4 = conv(x, d, d, 1, "c3b")
    x = conv(p4, d, e, 2, "c4")                # 20
    x = conv(x, e, e, 1, "c4a")
    p5 = conv(x, e, e, 1, "c4b")
    h3, h4, h5 = head(p3, c, 6400, "h3"), head(p4, d, 1600, "h4"), head(p5, e, 400, "h5")
    nodes.append(helper.make_node("Concat", [h3, h4, h5], ["output0"], axis=2))
    names = {i: f"class{i}" for i in range(80)}
    save(out, "bench-yolo", "images", "output0", [1, 3, 640, 640], [1, 84, 8400],
         {"names": str(names), "imgsz": "[640, 640]", "task": "detect", "stride": "32",
          "description": "random weights, YOLO11n-sized, for benchmarks only" if width == 1.0
          else f"random weights, YOLO-shaped, {width}x the channels of the YOLO11n-sized default, for benchmarks only"})


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--semantic":
        semantic(sys.argv[2] if len(sys.argv) > 2 else "models/bench-seg-512.onnx")
    elif len(sys.argv) > 2 and sys.argv[1] == "--width":
        main(sys.argv[3], float(sys.argv[2]))
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "models/bench-yolo-640.onnx")

#!/usr/bin/python3
"""Synthetic trajectories for the tracking metrics' tests (MotEvalTest), with the figures py-motmetrics
gives for them. Each case is a list of frames, each with ground-truth boxes and a tracker's boxes
([id, x, y, w, h]); the tracker's are made from the truth with the faults the case is about.

  make_mot_cases.py OUT.json [MOTREF]

MOTREF: a script that prints py-motmetrics' figures for one case file (MOTA, MOTP, IDF1, IDP, IDR, counts);
its output is frozen into OUT.json as each case's "expected". The figures here were made with a
line-for-line transcription of py-motmetrics' MOTAccumulator.update and its metric functions (mot.py at
0307310, metrics.py at 0487b9c of cheind/py-motmetrics; np.bool made bool for numpy 1.24), its IoU distance
(pairs over 0.5 made NaN) and its scipy solver wrapper, run with Debian's numpy 1.24, pandas 1.5 and scipy
1.10: the package itself is on no registry reachable here. The transcription is not in this repository."""
import json
import random
import subprocess
import sys
import tempfile


def box(x, y, w=40, h=80):
    return [round(x, 3), round(y, 3), w, h]


def crossing():
    # two people cross; the tracker swaps their ids where they overlap, and keeps the swap
    frames = []
    for t in range(30):
        a = box(10 + 10 * t, 100 + 0.37 * t)
        b = box(310 - 10 * t, 103 - 0.21 * t)
        gt = [[1] + a, [2] + b]
        ha, hb = [101] + [v + 1.3 for v in a[:2]] + a[2:], [102] + [v - 0.7 for v in b[:2]] + b[2:]
        if t >= 15:
            ha[0], hb[0] = 102, 101
        frames.append({"gt": gt, "hyp": [ha, hb]})
    return frames


def occlusion():
    # one object behind a pole for frames 10-14: missed there, and found again under a new id
    frames = []
    for t in range(25):
        a = box(20 + 6 * t, 50 + 0.5 * t)
        c = box(300, 40 + 2.1 * t, 30, 60)
        hyp = [[201] + [c[0] + 0.9, c[1] - 1.1] + c[2:]]
        if t < 10:
            hyp.append([200] + [a[0] + 2, a[1] + 1] + a[2:])
        elif t >= 15:
            hyp.append([203] + [a[0] - 1.5, a[1] + 0.4] + a[2:])
        frames.append({"gt": [[1] + a, [2] + c], "hyp": hyp})
    return frames


def reentry():
    # the object leaves the view for frames 8-13 and comes back; the tracker gives it a new id; a false
    # alarm flickers at frames 3, 4 and 20
    frames = []
    for t in range(24):
        gt, hyp = [], []
        if t < 8 or t >= 14:
            a = box(30 + 4 * t, 60 + 1.3 * t)
            gt.append([7] + a)
            hyp.append([300 if t < 8 else 301] + [a[0] + 0.8, a[1] - 2.2] + a[2:])
        if t in (3, 4, 20):
            hyp.append([399, 400, 300, 20, 20])
        frames.append({"gt": gt, "hyp": hyp})
    return frames


def crowd(seed):
    # ten random walkers; the tracker jitters, misses 8 % of boxes, adds 5 % false alarms, and swaps two
    # neighbours' ids now and then
    rnd = random.Random(seed)
    pos = [[rnd.uniform(0, 600), rnd.uniform(0, 400), rnd.uniform(-6, 6), rnd.uniform(-4, 4)] for _ in range(10)]
    ids = list(range(500, 510))
    frames = []
    for t in range(60):
        gt, hyp = [], []
        for k, p in enumerate(pos):
            p[0] += p[2] + rnd.gauss(0, 1)
            p[1] += p[3] + rnd.gauss(0, 1)
            b = box(p[0], p[1], 30 + k, 60 + 2 * k)
            gt.append([k + 1] + b)
            if rnd.random() > 0.08:
                hyp.append([ids[k], round(b[0] + rnd.gauss(0, 3), 3), round(b[1] + rnd.gauss(0, 3), 3), b[2], b[3]])
        if rnd.random() < 0.1:
            i, j = rnd.sample(range(10), 2)
            ids[i], ids[j] = ids[j], ids[i]
        if rnd.random() < 0.5:
            hyp.append([900 + t, round(rnd.uniform(0, 600), 3), round(rnd.uniform(0, 400), 3), 25, 50])
        frames.append({"gt": gt, "hyp": hyp})
    return frames


def main():
    cases = {"crossing": crossing(), "occlusion": occlusion(), "reentry": reentry(), "crowd": crowd(30)}
    out = {}
    for name, frames in cases.items():
        out[name] = {"frames": frames}
        if len(sys.argv) > 2:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump({"frames": frames}, f)
            r = subprocess.run(["/usr/bin/python3", sys.argv[2], f.name], check=True, capture_output=True, text=True)
            out[name]["expected"] = json.loads(r.stdout)
    with open(sys.argv[1], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()

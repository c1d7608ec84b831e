"""PyTorch peer of DistillLossBench: KD + CE (T = 4), forward + backward to the student logits, eager mode.

Prints one JSON object: {"rows": [{"B", "C", "python_ms"}], "torch": version, "threads": n}.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F


def loss(s, t, y, temperature):
    kd = F.kl_div(F.log_softmax(s / temperature, 1), F.log_softmax(t / temperature, 1), reduction="batchmean",
                  log_target=True)
    return F.cross_entropy(s, y) + kd * temperature * temperature


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    rows = []
    for b in (256, 1024):
        for c in (10, 1000, 21843):
            torch.manual_seed(0)
            s = torch.randn(b, c, requires_grad=True)
            t = torch.randn(b, c)
            y = torch.randint(c, (b,))
            reps = 3 if a.quick else (10 if c > 1000 else 50)
            for _ in range(2):
                loss(s, t, y, 4.0).backward()
            times = []
            for _ in range(reps):
                start = time.perf_counter()
                loss(s, t, y, 4.0).backward()
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            rows.append({"B": b, "C": c, "python_ms": times[len(times) // 2]})
    print(json.dumps({"rows": rows, "torch": torch.__version__, "threads": a.threads}))


if __name__ == "__main__":
    main()

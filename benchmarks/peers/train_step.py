"""PyTorch peer of TrainStepBench: cnn-small (same layers, same init family), cross-entropy, Adam, fixed batch.

Prints one JSON object: {"python_ms": mean ms per step, "torch": version, "threads": n, "steps": n}.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class CnnSmall(nn.Module):
    def __init__(self, channels=1, size=28, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(64)
        self.flat = 64 * (size // 4) * (size // 4)
        self.fc1 = nn.Linear(self.flat, 128)
        self.fc2 = nn.Linear(128, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2, 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2, 2)
        x = F.relu(self.fc1(x.reshape(x.size(0), self.flat)))
        return self.fc2(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--steps", type=int, default=300)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = CnnSmall().train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(a.batch, 1, 28, 28)
    y = torch.randint(10, (a.batch,))

    def step():
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        # Same host sync as the Java step (it reads the loss and the correct count).
        return loss.item(), (logits.argmax(1) == y).sum().item()

    for _ in range(a.warmup):
        step()
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    ms = (time.perf_counter() - start) * 1000 / a.steps
    print(json.dumps({"python_ms": ms, "torch": torch.__version__, "threads": a.threads, "steps": a.steps}))


if __name__ == "__main__":
    main()

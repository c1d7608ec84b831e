"""PyTorch peer of TrainStepBench: one training step (forward, cross-entropy, backward, Adam lr 1e-3) on a fixed
batch, for the same three models the Java zoo builds, in plain torch (no timm):

  cnn-small  two conv-BN-ReLU-pool stages (32, 64) + 128-unit MLP head, 1x28x28
  resnet18   torchvision/timm ResNet-18 with the CIFAR stem (conv1 3x3 stride 1, no max-pool), 3x32x32
  vit_tiny   timm's vit_tiny layout (dim 192, depth 12, 3 heads, MLP 4x, class token, learned positions,
             pre-norm, LayerNorm eps 1e-6, exact GELU, fused SDPA), patch 4 on 3x32x32

Prints one JSON object: {"model", "python_ms": mean ms per step, "torch", "threads", "steps", "warmup"}.
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


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(out + shortcut)


class ResNet18Cifar(nn.Module):
    def __init__(self, channels=3, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 64, 3, 1, 1, bias=False)  # CIFAR stem: no stride, no max-pool
        self.bn1 = nn.BatchNorm2d(64)
        layers, inplanes = [], 64
        for planes, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers.append(nn.Sequential(BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes, 1)))
            inplanes = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        n, t, d = x.shape
        q, k, v = self.qkv(x).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        out = F.scaled_dot_product_attention(q, k, v)
        return self.proj(out.transpose(1, 2).reshape(n, t, d))


class VitBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, dim * 4)
        self.fc2 = nn.Linear(dim * 4, dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class VitTiny(nn.Module):
    def __init__(self, channels=3, size=32, patch=4, classes=10, dim=192, depth=12, heads=3):
        super().__init__()
        self.patch_embed = nn.Conv2d(channels, dim, patch, patch)
        tokens = (size // patch) ** 2 + 1
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 1e-6)
        self.pos_embed = nn.Parameter(torch.randn(1, tokens, dim) * 0.02)
        self.blocks = nn.Sequential(*[VitBlock(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.size(0), -1, -1), x], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


MODELS = {
    "cnn-small": (lambda: CnnSmall(), (1, 28, 28)),
    "resnet18": (lambda: ResNet18Cifar(), (3, 32, 32)),
    "vit_tiny": (lambda: VitTiny(), (3, 32, 32)),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="cnn-small", choices=sorted(MODELS))
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--steps", type=int, default=300)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    build, shape = MODELS[a.model]
    model = build().train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(a.batch, *shape)
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
    print(json.dumps({"model": a.model, "python_ms": ms, "torch": torch.__version__, "threads": a.threads,
                      "steps": a.steps, "warmup": a.warmup}))


if __name__ == "__main__":
    main()

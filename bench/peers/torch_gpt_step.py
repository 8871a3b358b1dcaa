#!/usr/bin/python3
"""The torch peer of bench/gpt-step.ts: the same GPT (d=256, 6 layers, 8 heads, T=256, vocab 8192),
forward + backward + AdamW, one thread. Prints `tokens/s N` on its last line."""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

B = int(sys.argv[1]) if len(sys.argv) > 1 else 8
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
V, D, L, H, T = 8192, 256, 6, 8, 256
torch.set_num_threads(1)
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.fc, self.out = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)
        self.register_buffer('mask', torch.full((T, T), float('-inf')).triu(1))

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, H, D // H).permute(2, 0, 3, 1, 4)
        att = F.softmax(q @ k.transpose(-1, -2) / (D // H) ** 0.5 + self.mask, dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, t, D))
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate='tanh'))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, D), nn.Embedding(T, D)
        self.blocks = nn.ModuleList([Block() for _ in range(L)])
        self.ln = nn.LayerNorm(D)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for b in self.blocks:
            x = b(x)
        return self.ln(x) @ self.wte.weight.t()


model = GPT()
opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
ids = torch.randint(0, V, (B, T))
tg = torch.randint(0, V, (B, T))
times = []
for s in range(STEPS + 1):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = F.cross_entropy(model(ids).view(-1, V), tg.view(-1))
    loss.backward()
    opt.step()
    if s > 0:
        times.append(time.perf_counter() - t0)
times.sort()
print(f'torch {torch.__version__}, 1 thread, batch {B}x{T}: tokens/s {B * T / times[len(times) // 2]:.1f}')

# The PyTorch peer for bench/train.ts: the same GPT (GPT-2 layout: learned positions, pre-LayerNorm
# with biases, tanh-GELU MLP of width 4d, tied head), forward + backward + AdamW, tokens/s.
# Usage: train_torch.py <threads> <dim> <layers> <heads> <seq> <vocab> <batch> <seconds>
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

threads, d, L, H, T, V, B = (int(a) for a in sys.argv[1:8])
seconds = float(sys.argv[8])
torch.set_num_threads(threads)
torch.manual_seed(0)

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.register_buffer('mask', torch.tril(torch.ones(T, T, dtype=torch.bool)))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, H, c // H).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(c // H)
        att = att.masked_fill(~self.mask[:t, :t], float('-inf')).softmax(-1)
        x = x + self.proj((att @ v).transpose(1, 2).contiguous().view(b, t, c))
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate='tanh'))

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, d), nn.Embedding(T, d)
        self.blocks = nn.ModuleList(Block() for _ in range(L))
        self.lnf = nn.LayerNorm(d)

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for blk in self.blocks:
            x = blk(x)
        return self.lnf(x) @ self.wte.weight.t()

model = GPT()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
x = torch.randint(0, V, (B, T))
y = torch.randint(0, V, (B, T))

def step():
    loss = F.cross_entropy(model(x).view(-1, V), y.view(-1))
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)

step()  # warm-up
times = []
t_end = time.perf_counter() + seconds
while len(times) < 2 or (time.perf_counter() < t_end and len(times) < 20):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
times.sort()
med = times[len(times) // 2]
print(json.dumps({'threads': threads, 'tokensPerSec': B * T / med, 'stepSeconds': med, 'steps': len(times),
                  'params': sum(p.numel() for p in model.parameters()), 'torch': torch.__version__}))

# Measures what calibrates and checks the planner's step-time model on one device: a bf16 GEMM,
# a device copy, and full GPT training steps (bf16 autocast, fp32 AdamW states, materialised
# attention as in Megatron-LM 2021) for a few shapes. Prints one JSON object.
# --attention flash uses scaled_dot_product_attention (causal); materialised (the default) the
# explicit s×s scores. src/reproduce/data/h200-gpt-steps.json holds an H200's results (the
# materialised run covered the first three shapes).
# Usage: python3 bench/planner/gpt-step.py [--tiny] [--attention flash|materialised] [--out FILE]
import json, math, statistics, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

TINY = '--tiny' in sys.argv
DEV = 'cuda' if torch.cuda.is_available() else 'cpu'
FLASH = '--attention' in sys.argv and sys.argv[sys.argv.index('--attention') + 1] == 'flash'


def sync():
    if DEV == 'cuda':
        torch.cuda.synchronize()


def timed(fn, warm, reps):
    for _ in range(warm):
        fn()
    sync()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


class Block(nn.Module):
    def __init__(self, h, a):
        super().__init__()
        self.a = a
        self.ln1, self.ln2 = nn.LayerNorm(h), nn.LayerNorm(h)
        self.qkv, self.proj = nn.Linear(h, 3 * h), nn.Linear(h, h)
        self.fc1, self.fc2 = nn.Linear(h, 4 * h), nn.Linear(4 * h, h)

    def forward(self, x, mask):
        b, s, h = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, s, 3, self.a, h // self.a).permute(2, 0, 3, 1, 4)
        if FLASH:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(b, s, h)
            x = x + self.proj(y)
            return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(h // self.a) + mask  # (b, a, s, s)
        # Softmax in 16-bit, as Megatron's fused kernel does (autocast would promote it to fp32).
        with torch.autocast(DEV, enabled=False):
            att = torch.softmax(scores, dim=-1).to(v.dtype)
        y = (att @ v).transpose(1, 2).reshape(b, s, h)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Gpt(nn.Module):
    def __init__(self, l, h, a, vocab, s):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, h), nn.Embedding(s, h)
        self.blocks = nn.ModuleList([Block(h, a) for _ in range(l)])
        self.ln = nn.LayerNorm(h)

    def forward(self, idx, mask):
        x = self.tok(idx) + self.pos.weight[: idx.shape[1]]
        for blk in self.blocks:
            x = blk(x, mask)
        return self.ln(x) @ self.tok.weight.t()  # tied output projection


def step_time(l, h, a, b, s, vocab):
    torch.manual_seed(0)
    model = Gpt(l, h, a, vocab, s).to(DEV)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=DEV == 'cuda') if DEV == 'cuda' else torch.optim.AdamW(model.parameters(), lr=1e-4)
    idx = torch.randint(0, vocab, (b, s), device=DEV)
    mask = torch.full((s, s), float('-inf'), device=DEV).triu(1)

    def step():
        with torch.autocast(DEV, dtype=torch.bfloat16):
            logits = model(idx, mask)
            loss = F.cross_entropy(logits.float().view(-1, vocab), idx.view(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=False)

    if DEV == 'cuda':
        torch.cuda.reset_peak_memory_stats()
    t = timed(step, 2 if TINY else 3, 2 if TINY else 6)
    peak = torch.cuda.max_memory_allocated() if DEV == 'cuda' else 0
    params = sum(p.numel() for p in model.parameters())
    del model, opt
    if DEV == 'cuda':
        torch.cuda.empty_cache()
    return {'layers': l, 'hidden': h, 'heads': a, 'micro': b, 'seqLen': s, 'vocab': vocab, 'parameters': params, 'stepSeconds': t, 'peakBytes': peak}


def main():
    n = 256 if TINY else 8192
    x = torch.randn(n, n, device=DEV, dtype=torch.bfloat16)
    gemm = timed(lambda: x @ x, 2, 5)
    big = torch.empty(2 ** (20 if TINY else 30), dtype=torch.float32, device=DEV)
    copy = timed(lambda: big.clone(), 2, 5)
    del x, big
    shapes = [(2, 64, 4, 2, 64, 512), (4, 32, 2, 4, 64, 512)] if TINY else [
        (8, 4096, 32, 4, 2048, 51200), (16, 2048, 16, 8, 2048, 51200), (4, 8192, 64, 2, 2048, 51200),
        (12, 4096, 32, 2, 4096, 51200), (24, 2048, 16, 16, 1024, 51200)]
    result = {
        'device': torch.cuda.get_device_name() if DEV == 'cuda' else 'cpu', 'torch': torch.__version__,
        'gemmTflops': 2 * n ** 3 / gemm / 1e12, 'copyBytesPerSecond': 2 * 4 * (2 ** (20 if TINY else 30)) / copy,
        'steps': [step_time(*sh) for sh in shapes],
    }
    text = json.dumps(result, indent=2)
    print(text)
    if '--out' in sys.argv:
        with open(sys.argv[sys.argv.index('--out') + 1], 'w') as f:
            f.write(text + '\n')


main()

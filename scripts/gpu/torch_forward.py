"""LLaDA-8B forward in PyTorch eager with random bf16 weights: the reference point for TorchSharp.

Same computation as Learn2PD.Core's model: RMSNorm with fp32 statistics, RoPE in fp32, bidirectional
SDPA, SwiGLU MLP, LM head. Prints the matmul rate, the forward time at 64 + 1024 tokens and the floor.
"""
import time, torch
import torch.nn.functional as F

torch.manual_seed(0)
dev, dt = "cuda", torch.bfloat16
d, L, H, hidden, V, T = 4096, 32, 32, 12288, 126464, 1088
hd = d // H

def rate(n=8192, reps=50):
    a, b = torch.randn(n, n, device=dev, dtype=dt), torch.randn(n, n, device=dev, dtype=dt)
    for _ in range(3): a @ b
    torch.cuda.synchronize(); t = time.perf_counter()
    for _ in range(reps): a @ b
    torch.cuda.synchronize()
    return 2 * n ** 3 * reps / (time.perf_counter() - t)

def w(*shape): return torch.randn(*shape, device=dev, dtype=dt) * 0.02

blocks = [dict(attn_norm=torch.ones(d, device=dev, dtype=dt), q=w(d, d), k=w(d, d), v=w(d, d), o=w(d, d),
               ff_norm=torch.ones(d, device=dev, dtype=dt), ff=w(hidden, d), up=w(hidden, d), down=w(d, hidden)) for _ in range(L)]
wte, ln_f, head = w(V, d), torch.ones(d, device=dev, dtype=dt), w(V, d)
inv = 1.0 / (500000.0 ** (torch.arange(0, hd, 2, device=dev, dtype=torch.float) / hd))
f = torch.outer(torch.arange(T, device=dev, dtype=torch.float), inv); ang = torch.cat((f, f), -1)
sin, cos = ang.sin(), ang.cos()

def rms(x, g):
    x32 = x.float(); return g * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + 1e-5)).to(x.dtype)

def rope(t):
    t32 = t.float(); x1, x2 = t32.chunk(2, -1)
    return (t32 * cos + torch.cat((-x2, x1), -1) * sin).to(t.dtype)

@torch.no_grad()
def forward(ids):
    x = wte[ids]
    for b in blocks:
        h = rms(x, b["attn_norm"])
        q = rope((h @ b["q"].T).view(1, T, H, hd).transpose(1, 2))
        k = rope((h @ b["k"].T).view(1, T, H, hd).transpose(1, 2))
        v = (h @ b["v"].T).view(1, T, H, hd).transpose(1, 2)
        a = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(1, T, d)
        x = x + a @ b["o"].T
        h = rms(x, b["ff_norm"])
        x = x + (F.silu(h @ b["ff"].T) * (h @ b["up"].T)) @ b["down"].T
    return rms(x, ln_f) @ head.T

r = rate()
ids = torch.randint(0, V - 2, (1, T), device=dev)
for _ in range(3): forward(ids)
torch.cuda.synchronize(); t = time.perf_counter(); n = 10
for _ in range(n): forward(ids)
torch.cuda.synchronize(); s = (time.perf_counter() - t) / n
flops = 2 * (L * (4 * d * d + 3 * d * hidden) + d * V) * T + 4 * T * T * d * L
print(f"pytorch {torch.__version__}: matmul bf16 {r / 1e12:.1f} TFLOP/s")
print(f"pytorch eager forward {T} tokens: {s * 1e3:.2f} ms, {flops / 1e12:.2f} TFLOP, {flops / s / 1e12:.1f} TFLOP/s, "
      f"{s / (flops / r):.2f}x the floor ({flops / r * 1e3:.2f} ms)")

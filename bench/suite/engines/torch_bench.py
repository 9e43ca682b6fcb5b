"""Engine process for PyTorch (Debian's python3-torch, run by /usr/bin/python3): the suite's
workloads written as PyTorch code would be, on `variant` CPU threads. Timing follows
bench/suite/measure.ts (warm-up, repetitions within a budget and a cap); one line per workload,
"@@report {json}", as the TypeScript engines print. The training steps (mlp, gpt-train) are also
reported in parts, as bench/suite/engines/nabla.ts reports them: forward (with the loss), backward,
optimizer (zero_grad, clipping, step) and the whole step from the step's own repetitions, and the
time inside matrix products from a separate pass under torch.autograd.profiler (see matmul_per_step).

    /usr/bin/python3 bench/suite/engines/torch_bench.py --spec '<Spec JSON>'
"""

import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# the workloads' sizes, as bench/suite/workloads.ts defines them
MATMUL_SIZES = [128, 256, 512, 1024, 2048]
CONV_LAYERS = [("conv-1", 32, 1, 16, 28, False), ("conv-2", 32, 16, 32, 14, True)]
MLP_SIZES, MLP_BATCH, MLP_LR = [784, 256, 128, 10], 128, 1e-3
GPT_CFG = dict(n_layer=4, n_head=4, n_embd=128, block_size=64)
GPT_BATCH, GPT_LR, GPT_BETAS, GPT_WD, GPT_CLIP, SAMPLE_TOKENS = 16, 3e-3, (0.9, 0.99), 0.1, 1.0, 63


def report(workload, ms=None, skipped=None, note=None):
    r = {"workload": workload, "ms": ms or []}
    if skipped:
        r["skipped"] = skipped
    if note:
        r["note"] = note
    print("@@report " + json.dumps(r), flush=True)


def timed(fn, r):
    """Milliseconds of each timed repetition of fn, as time() in bench/suite/measure.ts times them."""
    warmup, min_reps, max_reps, budget, cap, floor = (
        r[k] for k in ("warmup", "minReps", "maxReps", "budgetMs", "capMs", "floor")
    )

    def once():
        t = time.perf_counter()
        fn()
        return (time.perf_counter() - t) * 1000

    t1 = once()
    slow = t1 > cap / 4
    ms = [t1] if slow else []
    i = 1
    while not slow and i < warmup and i * t1 < budget / 2:
        once()
        i += 1
    spent = t1 if slow else 0.0
    while len(ms) < max_reps:
        n = len(ms)
        if (n >= min_reps and spent >= budget) or (n >= 3 and spent >= cap / 4):
            break
        if n >= floor and spent + ms[-1] > cap:
            break
        ms.append(once())
        spent += ms[-1]
    return ms


class Laps:
    """Splits each call of a step into parts, as laps() in bench/suite/measure.ts does."""

    def __init__(self, parts):
        self.parts, self.calls, self.t = parts, [], 0.0

    def start(self):
        self.calls.append(dict.fromkeys(self.parts, 0.0))
        self.t = time.perf_counter()

    def lap(self, part):
        now = time.perf_counter()
        self.calls[-1][part] += (now - self.t) * 1000
        self.t = now

    def last(self, n):
        """Per part, its ms in each of the last n calls (timed()'s warm-ups come first)."""
        return [(p, [c[p] for c in self.calls[-n:]]) for p in self.parts]


# The ops that run matrix products on the CPU (their self time is the BLAS call; aten::addmm's
# bias copy is a child op, aten::copy_, and so not counted) and the composites that only dispatch
# to them (aten::matmul, aten::linear: their self time is bookkeeping, not counted either).
# Steps here show aten::mm, aten::addmm and aten::bmm; the rest are listed for other shapes.
MATMUL_OPS = {"aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm", "aten::addbmm", "aten::mv"}
MATMUL_OPS |= {"aten::addmv", "aten::dot", "aten::vdot", "aten::_addmm_activation"}
MATMUL_COMPOSITES = {"aten::matmul", "aten::linear", "aten::einsum", "aten::tensordot", "aten::bilinear"}


def matmul_per_step(step, r):
    """Milliseconds per step inside matrix-product ops: each repetition of a separate pass runs
    under torch.autograd.profiler.profile() (the step's own repetitions run without it) and sums
    the self CPU time of the MATMUL_OPS events, backward's included (the autograd engine runs CPU
    work on the calling thread). Also returns a note naming any other matrix-looking op that took
    at least 1% of a step, which would be left out of the figure."""
    per_step, others = [], {}

    def profiled():
        with torch.autograd.profiler.profile() as prof:
            step()
        events = prof.function_events
        total = sum(e.self_cpu_time_total for e in events) or 1.0
        spent = 0.0
        for e in events:
            if e.name in MATMUL_OPS:
                spent += e.self_cpu_time_total
            elif e.name.startswith("aten::") and "mm" in e.name and e.name not in MATMUL_COMPOSITES:
                others[e.name] = max(others.get(e.name, 0.0), e.self_cpu_time_total / total)
        per_step.append(spent / 1000)  # µs → ms

    n = len(timed(profiled, r))
    seen = sorted(name for name, share in others.items() if share >= 0.01)
    return per_step[-n:], (f"not counted as matrix products: {', '.join(seen)}" if seen else None)


def time_step(workload, step, spec):
    """Times a training step; reports it, its parts (same repetitions) and its matrix products."""
    clock = Laps(["forward", "backward", "optimizer"])

    def run():
        clock.start()
        step(clock.lap)

    ms = timed(run, spec["reps"])
    report(workload, ms)
    for part, xs in clock.last(len(ms)):
        report(f"{workload}:{part}", xs)
    report(f"{workload}:total", ms)
    mm, note = matmul_per_step(lambda: step(lambda part: None), spec.get("splitReps", spec["reps"]))
    report(f"{workload}:matmul", mm, note=note)


def matmul(spec):
    g = torch.Generator().manual_seed(0)
    for n in [s for s in MATMUL_SIZES if not spec["quick"] or s <= 1024]:
        a, b = torch.randn(n, n, generator=g), torch.randn(n, n, generator=g)
        with torch.no_grad():
            report(f"matmul-{n}", timed(lambda: torch.mm(a, b), spec["reps"]))


def conv(spec):
    g = torch.Generator().manual_seed(1)
    for cid, batch, cin, cout, size, input_grad in CONV_LAYERS:
        x = torch.randn(batch, cin, size, size, generator=g).requires_grad_(input_grad)
        w = (torch.randn(cout, cin, 3, 3, generator=g) * 0.1).requires_grad_()
        b = torch.zeros(cout, requires_grad=True)
        dy = torch.randn(batch, cout, size, size, generator=g)

        def step():
            x.grad = w.grad = b.grad = None
            (F.conv2d(x, w, b, padding=1) * dy).sum().backward()

        report(cid, timed(step, spec["reps"]))


def mlp(spec):
    torch.manual_seed(0)
    d = MLP_SIZES
    model = nn.Sequential(
        nn.Linear(d[0], d[1]), nn.ReLU(), nn.Linear(d[1], d[2]), nn.ReLU(), nn.Linear(d[2], d[3])
    )
    opt = torch.optim.Adam(model.parameters(), lr=MLP_LR)
    x = torch.rand(MLP_BATCH, d[0])
    y = torch.randint(0, d[3], (MLP_BATCH,))

    def step(lap):
        opt.zero_grad()
        lap("optimizer")
        loss = F.cross_entropy(model(x), y)
        lap("forward")
        loss.backward()
        lap("backward")
        opt.step()
        lap("optimizer")
        return loss.item()

    time_step("mlp", step, spec)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["n_embd"]
        self.n_head, self.c_attn, self.c_proj = c["n_head"], nn.Linear(e, 3 * e), nn.Linear(e, e)
        n = c["block_size"]
        self.register_buffer("mask", torch.full((n, n), float("-inf")).triu(1))

    def forward(self, x, cache=None):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        # (B, nh, T, hs)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            if cache[0] is not None:
                k, v = torch.cat([cache[0], k], 2), torch.cat([cache[1], v], 2)
            cache[0], cache[1] = k, v
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))  # (B, nh, T, S)
        if T > 1:
            att = att + self.mask[:T, :T]
        y = att.softmax(-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["n_embd"]
        self.ln_1, self.attn, self.ln_2 = nn.LayerNorm(e), Attention(c), nn.LayerNorm(e)
        self.c_fc, self.c_proj = nn.Linear(e, 4 * e), nn.Linear(4 * e, e)

    def forward(self, x, cache=None):
        x = x + self.attn(self.ln_1(x), cache)
        return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    """nabla's src/models/gpt.ts in PyTorch: GPT-2's layout, tied head, GPT-2's initialisation."""

    def __init__(self, c, vocab):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, c["n_embd"]), nn.Embedding(c["block_size"], c["n_embd"])
        self.h = nn.ModuleList(Block(c) for _ in range(c["n_layer"]))
        self.ln_f = nn.LayerNorm(c["n_embd"])
        for name, p in self.named_parameters():
            if "ln_" in name:
                continue
            if name.endswith("bias"):
                nn.init.zeros_(p)
            else:
                proj = name.endswith("c_proj.weight")  # writes into the residual stream
                nn.init.normal_(p, 0, 0.02 / math.sqrt(2 * c["n_layer"]) if proj else 0.02)

    def forward(self, idx, targets=None, cache=None, offset=0):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(offset, offset + T))
        for i, block in enumerate(self.h):
            x = block(x, cache[i] if cache is not None else None)
        logits = self.ln_f(x) @ self.wte.weight.t()
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def gpt(spec):
    torch.manual_seed(0)
    vocab, T = spec["vocab"], GPT_CFG["block_size"]
    model = GPT(GPT_CFG, vocab)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": GPT_WD}, {"params": rest, "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=GPT_LR, betas=GPT_BETAS)
    x = torch.randint(0, vocab, (GPT_BATCH, T))
    y = torch.randint(0, vocab, (GPT_BATCH, T))

    def step(lap):
        _, loss = model(x, y)
        lap("forward")
        opt.zero_grad(set_to_none=True)
        lap("optimizer")
        loss.backward()
        lap("backward")
        torch.nn.utils.clip_grad_norm_(model.parameters(), GPT_CLIP)
        opt.step()
        lap("optimizer")
        return loss.item()

    time_step("gpt-train", step, spec)

    @torch.no_grad()
    def sample():
        model.eval()
        cache = [[None, None] for _ in model.h]
        token = torch.zeros(1, 1, dtype=torch.long)
        for s in range(SAMPLE_TOKENS):
            logits, _ = model(token, cache=cache, offset=s)
            token = torch.multinomial(logits[:, -1].softmax(-1), 1)
        model.train()

    report("gpt-sample", timed(sample, spec["reps"]))


def main():
    spec = json.loads(sys.argv[sys.argv.index("--spec") + 1])
    threads = int(spec["variant"])
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    runs = {"matmul": matmul, "conv": conv, "mlp": mlp, "gpt": gpt}
    for group in spec["groups"]:
        if group in runs:
            runs[group](spec)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)", file=sys.stderr)


if __name__ == "__main__":
    main()

"""A reference for bench/moons.ts: the same workload on a minimal Python scalar engine in
micrograd's style (closures for backward, recursive topological sort, nn of Neuron/Layer/MLP),
written for this benchmark so no dependency is needed. Times ms per training step of
MLP(2, [16, 16, 1]) on 100 two-moons points with the max-margin loss, gc on and gc off.

    /usr/bin/python3 bench/moons_micrograd.py [--runs 3] [--steps 100]
"""

import argparse
import gc
import math
import random
import statistics
import sys
import time


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k):
        assert isinstance(k, (int, float))
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(0.0 if self.data < 0 else self.data, (self,), "relu")

        def _backward():
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1


class Neuron:
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class Layer:
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


def make_moons(n, noise):
    n_out, n_in = n // 2, n - n // 2
    X, y = [], []
    for k in range(n_out):
        t = math.pi * k / (n_out - 1)
        X.append([math.cos(t) + random.gauss(0, noise), math.sin(t) + random.gauss(0, noise)])
        y.append(-1)
    for k in range(n_in):
        t = math.pi * k / (n_in - 1)
        X.append([1 - math.cos(t) + random.gauss(0, noise), 0.5 - math.sin(t) + random.gauss(0, noise)])
        y.append(1)
    return X, y


def train(steps):
    """micrograd's demo loop; returns wall and CPU seconds per step, and the final accuracy."""
    random.seed(1337)
    X, y = make_moons(100, 0.1)
    model = MLP(2, [16, 16, 1])
    t0, c0 = time.perf_counter(), time.process_time()
    acc = 0.0
    for k in range(steps):
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss
        acc = sum((yi > 0) == (s.data > 0) for yi, s in zip(y, scores)) / len(y)
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    return (time.perf_counter() - t0) / steps, (time.process_time() - c0) / steps, acc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()
    version = sys.version.split()[0]
    for label, enabled in (("gc on", True), ("gc off", False)):
        gc.enable() if enabled else gc.disable()
        wall, cpu, acc = [], [], 0.0
        for _ in range(args.runs):
            w, c, acc = train(args.steps)
            wall.append(w * 1000)
            cpu.append(c * 1000)
        gc.enable()
        runs = lambda xs: ", ".join(f"{t:.1f}" for t in xs)  # noqa: E731
        print(f"python {version} micrograd-style moons, {args.steps} steps, {args.runs} runs, {label}")
        print(f"  wall: median {statistics.median(wall):.1f} ms/step (runs: {runs(wall)})")
        print(f"  cpu:  median {statistics.median(cpu):.1f} ms/step (runs: {runs(cpu)})")
        print(f"  final accuracy {acc * 100:.0f}%")


if __name__ == "__main__":
    main()

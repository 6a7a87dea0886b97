#!/usr/bin/python3
"""PyTorch's times for the work that bench-step times in AttnScope: the same
model file loaded into the tutorial's modules, the same sentences, the same
number of decoder steps (greedy, never stopping at the end token), one
thread. Prints one JSON object per line, as bench-step does:

    {"model": ..., "length": ..., "impl": ..., "what": "step" | "encode" | "sentence", "seconds": ...}

impl is "pytorch" for the GRU (the tutorial's EncoderRNN and
AttnDecoderRNN.forward_step); for the Transformer "pytorch-tutorial" (the
tutorial's greedy_decode, which runs the decoder over the whole prefix at
every step) and "pytorch-kv-cache" (a decoder written here that keeps each
layer's self-attention keys and values and the cross-attention's keys and
values of the memory, so that a step costs one position, as AttnScope's;
checked against the tutorial's logits before it is timed). Each step also
takes the log-softmax and the 20 best, as AttnScope's step does. Also the
model's load time (tools/attnscope_export.py's loader: json.load and a
tensor per entry) as a row of its own, beside bench-step's.

    /usr/bin/python3 tests/bench/bench_step_torch.py MODEL STEPS RUNS LENGTH...
"""

import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from attnscope_export import load_gru_attention, load_transformer  # noqa: E402
from attnscope_transformer import generate_square_subsequent_mask  # noqa: E402

TOP = 20


def sentence_ids(doc, length):
    """bench-step's sentence: the source vocabulary's purely alphabetic
    tokens (not special), the (k * 7919) mod N-th for k = 0..length-1."""
    side = doc["source"]
    special = set(v for v in side.get("special", {}).values() if v is not None)
    words = [i for i, t in enumerate(side["vocabulary"])
             if i not in special and t.isascii() and t.isalpha()]
    return [words[(k * 7919) % len(words)] for k in range(length)]


def emit(model, length, impl, what, seconds):
    print(json.dumps({"model": model, "length": length, "impl": impl, "what": what, "seconds": seconds}), flush=True)


def best_of(runs, work):
    """work() returns (encode seconds, steps seconds); the best of each and of their sum"""
    enc, step, total = math.inf, math.inf, math.inf
    work()  # warm up
    for _ in range(runs):
        e, s = work()
        enc, step, total = min(enc, e), min(step, s), min(total, e + s)
    return enc, step, total


def load_row(path, seconds):
    print(json.dumps({"row": "load %s" % os.path.basename(path), "reference": seconds,
                      "reference_name": "PyTorch: the exporter's loader", "order": -1}), flush=True)


def bench_gru(path, name, steps, runs, lengths):
    t0 = time.perf_counter()
    encoder, decoder, doc = load_gru_attention(path)
    load_row(path, time.perf_counter() - t0)
    end = doc["source"]["special"]["end"]
    sos = doc["target"]["special"]["start"]

    for length in lengths:
        src = torch.tensor([sentence_ids(doc, length) + [end]])

        def work():
            t0 = time.perf_counter()
            outputs, hidden = encoder(src)
            t1 = time.perf_counter()
            token = torch.tensor([[sos]])
            for _ in range(steps):
                logits, hidden, _ = decoder.forward_step(token, hidden, outputs)
                _, top = torch.log_softmax(logits, dim=-1).topk(TOP, dim=-1)
                token = top[..., 0]
            t2 = time.perf_counter()
            return t1 - t0, t2 - t1

        enc, step, total = best_of(runs, work)
        emit(name, length, "pytorch", "step", step / steps)
        emit(name, length, "pytorch", "encode", enc)
        emit(name, length, "pytorch", "sentence", total)


class CachedDecoder:
    """The tutorial Transformer's decoder, one position per step: each
    layer's self-attention keys and values of the positions fed so far are
    kept, and the cross-attention's keys and values of the memory are
    computed once. nn.TransformerDecoderLayer's computation (eval mode,
    post- or pre-norm), nn.MultiheadAttention's in_proj / out_proj."""

    def __init__(self, model, memory, max_positions):
        self.model = model
        self.layers = model.transformer.decoder.layers
        first = self.layers[0]
        self.d = first.self_attn.embed_dim
        self.h = first.self_attn.num_heads
        self.dh = self.d // self.h
        d, h, dh = self.d, self.h, self.dh
        m = memory[:, 0, :]  # (S, d)
        self.cross = []
        for layer in self.layers:
            w, b = layer.multihead_attn.in_proj_weight, layer.multihead_attn.in_proj_bias
            k = F.linear(m, w[d:2 * d], b[d:2 * d]).view(-1, h, dh).transpose(0, 1)      # (h, S, dh)
            v = F.linear(m, w[2 * d:], b[2 * d:]).view(-1, h, dh).transpose(0, 1)
            self.cross.append((k, v))
        self.k = torch.zeros(len(self.layers), h, max_positions, dh)
        self.v = torch.zeros(len(self.layers), h, max_positions, dh)
        self.t = 0

    def attend(self, q, k, v):
        # q (h, 1, dh), k and v (h, n, dh)
        p = torch.softmax(torch.matmul(q, k.transpose(1, 2)) / math.sqrt(self.dh), dim=-1)
        return torch.matmul(p, v).transpose(0, 1).reshape(1, self.d)

    def self_block(self, i, layer, x):
        d, h, dh, t = self.d, self.h, self.dh, self.t
        sa = layer.self_attn
        q, k, v = F.linear(x, sa.in_proj_weight, sa.in_proj_bias).split(d, dim=-1)
        self.k[i, :, t] = k.view(h, dh)
        self.v[i, :, t] = v.view(h, dh)
        out = self.attend(q.view(h, 1, dh), self.k[i, :, :t + 1], self.v[i, :, :t + 1])
        return F.linear(out, sa.out_proj.weight, sa.out_proj.bias)

    def cross_block(self, i, layer, x):
        d, h, dh = self.d, self.h, self.dh
        ca = layer.multihead_attn
        q = F.linear(x, ca.in_proj_weight[:d], ca.in_proj_bias[:d])
        k, v = self.cross[i]
        out = self.attend(q.view(h, 1, dh), k, v)
        return F.linear(out, ca.out_proj.weight, ca.out_proj.bias)

    def step(self, token):
        """logits (1, T) of the position after @token"""
        model = self.model
        x = model.tgt_tok_emb(torch.tensor([token])) + model.positional_encoding.pos_embedding[self.t]  # (1, d)
        for i, layer in enumerate(self.layers):
            ff = lambda y: layer.linear2(layer.activation(layer.linear1(y)))  # noqa: E731
            if layer.norm_first:
                x = x + self.self_block(i, layer, layer.norm1(x))
                x = x + self.cross_block(i, layer, layer.norm2(x))
                x = x + ff(layer.norm3(x))
            else:
                x = layer.norm1(x + self.self_block(i, layer, x))
                x = layer.norm2(x + self.cross_block(i, layer, x))
                x = layer.norm3(x + ff(x))
        if model.transformer.decoder.norm is not None:
            x = model.transformer.decoder.norm(x)
        self.t += 1
        return model.generator(x)


def tutorial_step(model, ys, memory):
    """greedy_decode's loop body: the decoder over the whole prefix ys"""
    tgt_mask = generate_square_subsequent_mask(ys.size(0)).type(torch.bool)
    out = model.decode(ys, memory, tgt_mask)
    out = out.transpose(0, 1)
    return model.generator(out[:, -1])


def bench_transformer(path, name, steps, runs, lengths):
    t0 = time.perf_counter()
    model, doc = load_transformer(path)
    load_row(path, time.perf_counter() - t0)
    start, end = doc["source"]["special"]["start"], doc["source"]["special"]["end"]
    sos = doc["target"]["special"]["start"]
    positions = doc["hyperparameters"]["max_positions"]

    for length in lengths:
        src = torch.tensor([start] + sentence_ids(doc, length) + [end], dtype=torch.long).view(-1, 1)
        src_mask = torch.zeros(src.shape[0], src.shape[0]).type(torch.bool)

        # the cached decoder computes the tutorial's logits
        memory = model.encode(src, src_mask)
        cached = CachedDecoder(model, memory, positions)
        ys = torch.ones(1, 1).fill_(sos).type(torch.long)
        for _ in range(steps):
            a = tutorial_step(model, ys, memory)
            b = cached.step(int(ys[-1, 0]))
            if not torch.allclose(a, b, rtol=0, atol=1e-4):
                sys.exit("bench_step_torch.py: the cached decoder's logits differ from the tutorial's by %g"
                         % float((a - b).abs().max()))
            ys = torch.cat([ys, a.argmax(-1).view(1, 1)], dim=0)

        def tutorial():
            t0 = time.perf_counter()
            memory = model.encode(src, src_mask)
            t1 = time.perf_counter()
            ys = torch.ones(1, 1).fill_(sos).type(torch.long)
            for _ in range(steps):
                _, top = torch.log_softmax(tutorial_step(model, ys, memory), dim=-1).topk(TOP, dim=-1)
                ys = torch.cat([ys, top[:, :1]], dim=0)
            return t1 - t0, time.perf_counter() - t1

        def kv_cache():
            t0 = time.perf_counter()
            memory = model.encode(src, src_mask)
            decoder = CachedDecoder(model, memory, positions)
            t1 = time.perf_counter()
            token = sos
            for _ in range(steps):
                _, top = torch.log_softmax(decoder.step(token), dim=-1).topk(TOP, dim=-1)
                token = int(top[0, 0])
            return t1 - t0, time.perf_counter() - t1

        for impl, work in (("pytorch-tutorial", tutorial), ("pytorch-kv-cache", kv_cache)):
            enc, step, total = best_of(runs, work)
            emit(name, length, impl, "step", step / steps)
            emit(name, length, impl, "encode", enc)
            emit(name, length, impl, "sentence", total)


def main():
    path, steps, runs, lengths = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), [int(a) for a in sys.argv[4:]]
    torch.set_num_threads(1)
    print(json.dumps({"info": "PyTorch %s" % torch.__version__}), flush=True)
    name = os.path.basename(path)
    if name.endswith(".json"):
        name = name[:-5]
    with open(path, encoding="utf-8") as f:
        architecture = json.load(f)["architecture"]
    with torch.no_grad():
        if architecture == "transformer":
            bench_transformer(path, name, steps, runs, lengths)
        else:
            bench_gru(path, name, steps, runs, lengths)


if __name__ == "__main__":
    main()

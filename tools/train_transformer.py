#!/usr/bin/python3
"""Train a small version of the model of PyTorch's tutorial "Language
Translation with nn.Transformer and torchtext" (Seq2SeqTransformer in
tools/attnscope_transformer.py) English -> Chinese on the Tatoeba pairs of
manythings.org/anki (cmn.txt), and export it as an AttnScope model file.

    nice -n 10 /usr/bin/python3 tools/train_transformer.py /path/to/cmn.txt \\
        --out data/models/en-zh-transformer.json \\
        --checkpoint /tmp/attnscope-transformer/en-zh-transformer.pt

cmn.txt: one pair a line, "English TAB Chinese TAB attribution" (download
cmn-eng.zip from www.manythings.org/anki). The corpus is never copied
anywhere by this script.

Data exactly as tools/train_gru.py reads it (its read_pairs and split_pairs):
the same length limits, the same tokenizers (English "words", lower-cased;
Chinese "characters", as AttnScope's engine cuts them) and the same held-out
split (--heldout of the distinct English sentences, chosen by --seed), so
with the same --heldout and --seed the held-out sentences are the GRU's.

Vocabularies: the tutorial's special tokens 0 "<unk>", 1 "<pad>", 2 "<bos>",
3 "<eos>", then every token seen at least --min-count times in the training
split (rarer ones are trained as <unk>). Source and target are both
[<bos>] + tokens + [<eos>], padded with <pad> into batches of sentences of
similar source length; the tutorial's masks (create_mask: a causal target
mask and key-padding masks for source, target and memory). Loss: cross
entropy per target token (optional label smoothing), padding ignored. Adam
with the tutorial's betas (0.9, 0.98) and eps 1e-9, a linear warm-up to --lr
over --warmup steps and then an inverse-square-root decay.

Held-out scores (character chrF and BLEU-4, as tools/train_gru.py computes
them) use the tutorial's greedy rule (translate_ids: at most
source tokens + 2 + 4 generated tokens, stop at <eos>), one sentence at a time.
"""

import argparse
import collections
import math
import os
import random
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attnscope_tokenize import tokenize  # noqa: E402
from attnscope_transformer import (Seq2SeqTransformer, generate_square_subsequent_mask,  # noqa: E402
                                   translate_ids)
from train_gru import char_bleu, chrf, read_pairs, split_pairs  # noqa: E402

UNK, PAD, BOS, EOS = 0, 1, 2, 3
SPECIALS = ["<unk>", "<pad>", "<bos>", "<eos>"]

LOG = None


def log(*args):
    line = " ".join(str(a) for a in args)
    print(line, flush=True)
    if LOG:
        LOG.write(line + "\n")
        LOG.flush()


# --------------------------------------------------------------------------
# Data


def build_vocab(sequences, min_count):
    counts = collections.Counter(tok for seq in sequences for tok in seq)
    words = sorted((w for w, c in counts.items() if c >= min_count and w not in SPECIALS),
                   key=lambda w: (-counts[w], w))
    vocab = SPECIALS + words
    return vocab, {w: i for i, w in enumerate(vocab)}


def ids(tokens, index):
    return [index.get(t, UNK) for t in tokens]


def make_batches(examples, batch_size, rng, pool=50):
    """examples: (src_ids, tgt_ids), both wrapped in <bos> ... <eos>.
    Shuffles, sorts pools of pool * batch_size examples by length (little
    padding), cuts them into batches and shuffles the batches."""
    examples = examples[:]
    rng.shuffle(examples)
    batches = []
    step = batch_size * pool
    for k in range(0, len(examples), step):
        chunk = sorted(examples[k:k + step], key=lambda ex: (len(ex[0]), len(ex[1])))
        for i in range(0, len(chunk), batch_size):
            batches.append(chunk[i:i + batch_size])
    rng.shuffle(batches)
    return batches


def batch_tensors(batch):
    """Sequence-first (S, B) and (T, B) tensors padded with <pad>, as the
    tutorial's collate_fn makes them."""
    S = max(len(ex[0]) for ex in batch)
    T = max(len(ex[1]) for ex in batch)
    src = torch.full((S, len(batch)), PAD, dtype=torch.long)
    tgt = torch.full((T, len(batch)), PAD, dtype=torch.long)
    for i, (s, t) in enumerate(batch):
        src[:len(s), i] = torch.tensor(s, dtype=torch.long)
        tgt[:len(t), i] = torch.tensor(t, dtype=torch.long)
    return src, tgt


def create_mask(src, tgt):
    """The tutorial's create_mask."""
    src_seq_len = src.shape[0]
    tgt_seq_len = tgt.shape[0]
    tgt_mask = generate_square_subsequent_mask(tgt_seq_len)
    src_mask = torch.zeros((src_seq_len, src_seq_len)).type(torch.bool)
    src_padding_mask = (src == PAD).transpose(0, 1)
    tgt_padding_mask = (tgt == PAD).transpose(0, 1)
    return src_mask, tgt_mask, src_padding_mask, tgt_padding_mask


def count_parameters(model, max_positions):
    """Learned parameters plus the positional-encoding rows the model file
    holds (max_positions x d_model): the numbers written to the file."""
    learned = sum(p.numel() for p in model.parameters())
    pos = max_positions * model.src_tok_emb.emb_size
    return learned, pos


# --------------------------------------------------------------------------
# Decoding and scores


def translate_tokens(model, tokens, src_index):
    """The tutorial's greedy rule (translate_ids) on one token list; returns
    target ids without <eos>."""
    out = translate_ids(model, ids(tokens, src_index), BOS, EOS)
    if EOS in out:
        out = out[:out.index(EOS)]
    return out


def evaluate(model, pairs, src_index, tgt_vocab):
    model.eval()
    hyps = ["".join(tgt_vocab[i] for i in translate_tokens(model, p[2], src_index)) for p in pairs]
    refs = [p[1] for p in pairs]
    return hyps, chrf(hyps, refs), char_bleu(hyps, refs)


# --------------------------------------------------------------------------


def main():
    global LOG
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpus", help="cmn.txt (English TAB Chinese TAB attribution)")
    p.add_argument("--out", default="data/models/en-zh-transformer.json", help="AttnScope model file to write")
    p.add_argument("--checkpoint", default="/tmp/attnscope-transformer/en-zh-transformer.pt",
                   help="PyTorch checkpoint (saved every epoch, in the format tools/attnscope_export.py reads)")
    p.add_argument("--log", default="/tmp/attnscope-transformer/train.log", help="copy of the progress output")
    p.add_argument("--d-model", type=int, default=128)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--encoder-layers", type=int, default=2)
    p.add_argument("--decoder-layers", type=int, default=2)
    p.add_argument("--ffn", type=int, default=384, help="dim_feedforward")
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--max-positions", type=int, default=128,
                   help="rows of the positional encoding (the model's maxlen, and the rows exported)")
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=7e-4, help="peak learning rate (after the warm-up)")
    p.add_argument("--warmup", type=int, default=800, help="warm-up steps (0: constant --lr)")
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--clip", type=float, default=1.0, help="gradient norm clipping (0: none)")
    p.add_argument("--min-count", type=int, default=3)
    p.add_argument("--max-source-tokens", type=int, default=10)
    p.add_argument("--max-target-chars", type=int, default=16)
    p.add_argument("--heldout", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads (on two shared cores one thread was 9x faster than two)")
    p.add_argument("--eval-subset", type=int, default=300,
                   help="held-out pairs scored after every epoch, a fixed sample (0: all; the full set is scored at the end)")
    p.add_argument("--max-size-mb", type=float, default=10.0,
                   help="refuse to train a model whose file would exceed this many MB")
    p.add_argument("--time-budget", type=float, default=62,
                   help="minutes: stop after the epoch past which the next one would not fit (0: no budget)")
    p.add_argument("--no-export", action="store_true", help="only save the checkpoint")
    p.add_argument("--limit-batches", type=int, default=0, help="debug: batches per epoch (0: all)")
    args = p.parse_args()

    if os.path.dirname(args.checkpoint):
        os.makedirs(os.path.dirname(args.checkpoint), exist_ok=True)
    if args.log and os.path.dirname(args.log):
        os.makedirs(os.path.dirname(args.log), exist_ok=True)
    LOG = open(args.log, "w", encoding="utf-8") if args.log else None
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    t_start = time.time()

    pairs, total = read_pairs(args.corpus, args.max_source_tokens, args.max_target_chars)
    train, test = split_pairs(pairs, args.heldout, args.seed)
    src_vocab, src_index = build_vocab([p[2] for p in train], args.min_count)
    tgt_vocab, tgt_index = build_vocab([p[3] for p in train], args.min_count)
    log("corpus: %d pairs, %d kept (<= %d English tokens, <= %d Chinese characters); "
        "train %d, held-out %d (%d distinct English sentences)"
        % (total, len(pairs), args.max_source_tokens, args.max_target_chars, len(train), len(test),
           len({tuple(p[2]) for p in test})))
    log("vocabulary: English %d, Chinese %d (min count %d, 4 special tokens each)"
        % (len(src_vocab), len(tgt_vocab), args.min_count))

    examples = [([BOS] + ids(p[2], src_index) + [EOS], [BOS] + ids(p[3], tgt_index) + [EOS]) for p in train]

    config = dict(num_encoder_layers=args.encoder_layers, num_decoder_layers=args.decoder_layers,
                  emb_size=args.d_model, nhead=args.heads, src_vocab_size=len(src_vocab),
                  tgt_vocab_size=len(tgt_vocab), dim_feedforward=args.ffn, dropout=args.dropout,
                  norm_first=False, activation="relu", layer_norm_eps=1e-5, maxlen=args.max_positions)
    model = Seq2SeqTransformer(**config)
    for prm in model.parameters():  # the tutorial's initialisation
        if prm.dim() > 1:
            nn.init.xavier_uniform_(prm)
    learned, pos = count_parameters(model, args.max_positions)
    est_mb = (learned + pos) * 4 * 4 / 3 / 1e6
    log("parameters: %d learned + %d positional-encoding rows (%d x %d) = %d in the file (~%.1f MB as base64)"
        % (learned, pos, args.max_positions, args.d_model, learned + pos, est_mb))
    log("  d_model %d, %d heads, %d encoder + %d decoder layers, feed-forward %d, dropout %g, post-norm, relu"
        % (args.d_model, args.heads, args.encoder_layers, args.decoder_layers, args.ffn, args.dropout))
    log("  batch %d, peak lr %g, warm-up %d steps, label smoothing %g, clip %g, %d threads"
        % (args.batch_size, args.lr, args.warmup, args.label_smoothing, args.clip, args.threads))
    if est_mb > args.max_size_mb:
        log("the model file would be about %.1f MB, over --max-size-mb %.1f: stopping" % (est_mb, args.max_size_mb))
        sys.exit(2)

    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.98), eps=1e-9)

    def lr_at(step):
        if not args.warmup:
            return args.lr
        return args.lr * min(step / args.warmup, math.sqrt(args.warmup / max(step, 1)))

    criterion = nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=args.label_smoothing)

    settings = {k: v for k, v in vars(args).items()
                if k not in ("corpus", "out", "checkpoint", "log", "limit_batches", "no_export", "max_size_mb")}
    probes = ["I am hungry.", "He is a teacher.", "Where is the station?", "I love you.",
              "What is your name?", "It's raining.", "I don't know.", "Tom is my friend.",
              "She can swim.", "Thank you very much."]
    eval_rng = random.Random(args.seed + 2)
    eval_pairs = test if not args.eval_subset or args.eval_subset >= len(test) else \
        [test[i] for i in sorted(eval_rng.sample(range(len(test)), args.eval_subset))]

    def checkpoint(extra, path=None):
        ck = {
            "architecture": "transformer",
            "config": config,
            "state_dict": model.state_dict(),
            "source_vocab": src_vocab,
            "target_vocab": tgt_vocab,
            "special": {"bos": BOS, "eos": EOS, "pad": PAD, "unk": UNK},
            "tokenizers": {"source": {"type": "words", "lowercase": True},
                           "target": {"type": "characters", "lowercase": False}},
            "languages": {"source": "en", "target": "zh-CN"},
            "metadata": None,
            "max_positions": args.max_positions,
            "settings": settings,
        }
        ck.update(extra)
        path = path or args.checkpoint
        tmp = path + ".tmp"
        torch.save(ck, tmp)
        os.replace(tmp, path)

    def show_probes():
        model.eval()
        for s in probes:
            o = translate_tokens(model, tokenize(s, "words", True), src_index)
            log("    %-24s -> %s" % (s, "".join(tgt_vocab[i] for i in o)))

    epoch_times = []
    history = []
    final_loss = final_nll = None
    epochs_done = 0
    step = 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.time()
        batches = make_batches(examples, args.batch_size, rng)
        if args.limit_batches:
            batches = batches[:args.limit_batches]
        loss_sum = nll_sum = 0.0
        tok_sum = 0
        for bi, batch in enumerate(batches, 1):
            step += 1
            for g in optimizer.param_groups:
                g["lr"] = lr_at(step)
            src, tgt = batch_tensors(batch)
            tgt_input = tgt[:-1, :]
            src_mask, tgt_mask, src_padding_mask, tgt_padding_mask = create_mask(src, tgt_input)
            logits = model(src, tgt_input, src_mask, tgt_mask, src_padding_mask, tgt_padding_mask,
                           src_padding_mask)
            tgt_out = tgt[1:, :].reshape(-1)
            flat = logits.reshape(-1, logits.shape[-1])
            loss = criterion(flat, tgt_out)
            optimizer.zero_grad()
            loss.backward()
            if args.clip:
                nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            ntok = int((tgt_out != PAD).sum())
            with torch.no_grad():
                nll = nn.functional.cross_entropy(flat, tgt_out, ignore_index=PAD)
            loss_sum += loss.item() * ntok
            nll_sum += nll.item() * ntok
            tok_sum += ntok
            if bi % 100 == 0:
                log("  epoch %d batch %d/%d loss %.4f nll %.4f lr %.2e elapsed %.1f min"
                    % (epoch, bi, len(batches), loss_sum / tok_sum, nll_sum / tok_sum, lr_at(step),
                       (time.time() - t_start) / 60))
        epoch_times.append(time.time() - t0)
        final_loss, final_nll = loss_sum / tok_sum, nll_sum / tok_sum
        epochs_done = epoch
        t1 = time.time()
        _, sub_chrf, sub_bleu = evaluate(model, eval_pairs, src_index, tgt_vocab)
        eval_s = time.time() - t1
        history.append({"epoch": epoch, "loss": round(final_loss, 4), "nll": round(final_nll, 4),
                        "heldout_chrF": round(sub_chrf, 2), "heldout_BLEU4": round(sub_bleu, 2)})
        log("epoch %d/%d loss %.4f nll %.4f (per target token) epoch %.1f s elapsed %.1f min lr %.2e; "
            "held-out %d pairs: chrF %.2f BLEU-4 %.2f (%.1f s)"
            % (epoch, args.epochs, final_loss, final_nll, epoch_times[-1], (time.time() - t_start) / 60,
               lr_at(step), len(eval_pairs), sub_chrf, sub_bleu, eval_s))
        show_probes()
        checkpoint({"epochs_done": epoch, "train_loss": final_loss, "train_nll": final_nll, "step": step,
                    "history": history})
        if args.time_budget:
            elapsed = (time.time() - t_start) / 60
            if elapsed + (max(epoch_times) + eval_s) / 60 > args.time_budget and epoch < args.epochs:
                log("time budget of %.0f min reached: stopping after epoch %d" % (args.time_budget, epoch))
                break
    train_minutes = (time.time() - t_start) / 60

    # Held-out evaluation on the full set, the tutorial's greedy rule.
    t0 = time.time()
    hyps, score_chrf, score_bleu = evaluate(model, test, src_index, tgt_vocab)
    log("held-out (%d pairs): chrF %.2f, character BLEU-4 %.2f (%.1f s)"
        % (len(test), score_chrf, score_bleu, time.time() - t0))
    ex_rng = random.Random(args.seed + 1)
    for i in sorted(ex_rng.sample(range(len(test)), min(10, len(test)))):
        log("  EN:  %s\n  REF: %s\n  OUT: %s" % (test[i][0], test[i][1], hyps[i]))

    settings.update({"epochs_done": epochs_done, "final_train_loss": round(final_loss, 4),
                     "final_train_nll": round(final_nll, 4), "steps": step,
                     "train_pairs": len(train), "heldout_pairs": len(test),
                     "train_minutes": round(train_minutes, 1),
                     "parameters": learned + pos})
    metadata = {
        "name": "en-zh-transformer",
        "description": ("A small version of the PyTorch tutorial's nn.Transformer translation model "
                        "(Seq2SeqTransformer: d_model %d, %d heads, %d encoder and %d decoder layers, "
                        "feed-forward %d, post-norm, relu), trained on %d short English-Chinese pairs "
                        "(<= %d English words and punctuation, <= %d Chinese characters). English is "
                        "lower-cased and cut into words, Chinese into characters. A small demonstration "
                        "model: it knows short everyday sentences only."
                        % (args.d_model, args.heads, args.encoder_layers, args.decoder_layers, args.ffn,
                           len(train), args.max_source_tokens, args.max_target_chars)),
        "license": "CC-BY 2.0 FR (training data); model weights under the same terms",
        "training_data": "Tatoeba (tatoeba.org) via www.manythings.org/anki (cmn-eng.zip)",
        "authors": "AttnScope contributors (tools/train_transformer.py)",
        "settings": settings,
        "heldout_score": {"chrF": round(score_chrf, 2), "char_BLEU4": round(score_bleu, 2),
                          "pairs": len(test), "decoding": "greedy, the tutorial's rule"},
    }
    extra = {"epochs_done": epochs_done, "train_loss": final_loss, "train_nll": final_nll, "step": step,
             "history": history, "metadata": metadata}
    checkpoint(extra)
    log("checkpoint: %s" % args.checkpoint)
    if args.no_export:
        return
    try:
        from attnscope_export import export_transformer
    except ImportError:
        log("tools/attnscope_export.py has no export_transformer yet: export later with\n"
            "  /usr/bin/python3 tools/attnscope_export.py %s %s" % (args.checkpoint, args.out))
        return
    export_transformer(model, src_vocab, tgt_vocab, args.out, bos_index=BOS, eos_index=EOS, pad_index=PAD,
                       unk_index=UNK, source_tokenizer={"type": "words", "lowercase": True},
                       target_tokenizer={"type": "characters", "lowercase": False},
                       metadata=metadata, encoding="base64", max_positions=args.max_positions,
                       source_language="en", target_language="zh-CN")
    log("wrote %s (%.1f MB); total %.1f min" % (args.out, os.path.getsize(args.out) / 1e6,
                                                  (time.time() - t_start) / 60))


if __name__ == "__main__":
    main()

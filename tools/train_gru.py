#!/usr/bin/python3
"""Train the PyTorch tutorial's GRU + Bahdanau attention model English -> Chinese
on the Tatoeba pairs of manythings.org/anki (cmn.txt) and export it as an
AttnScope model file.

    nice -n 10 /usr/bin/python3 tools/train_gru.py /path/to/cmn.txt \
        --out data/models/en-zh-gru.json --checkpoint /tmp/en-zh-gru.pt

cmn.txt: one pair a line, "English TAB Chinese TAB attribution" (download
cmn-eng.zip from www.manythings.org/anki). The corpus is never copied
anywhere by this script.

English is cut with the format's "words" tokenizer (lower-cased), Chinese
with "characters", exactly as AttnScope's engine cuts them. Vocabularies:
0 "SOS", 1 "EOS", 2 "<unk>", then every token seen at least --min-count times
in the training split (rarer ones are trained as <unk>).

Mini-batches hold sentences of exactly the same source length, so the encoder
never reads a padding token (the model has none); targets are padded and the
padded positions are ignored by the loss. Teacher forcing, Adam.
The held-out split (--heldout of the distinct English sentences, chosen by
--seed) is never trained on; at the end the script reports character chrF and
character BLEU-4 of greedy decoding on it.
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
from attnscope_export import export_gru_attention  # noqa: E402
from attnscope_tutorial import AttnDecoderRNN, EncoderRNN, tokenize  # noqa: E402

SOS, EOS, UNK = 0, 1, 2
SPECIALS = ["SOS", "EOS", "<unk>"]
IGNORE = -100

LOG = None


def log(*args):
    line = " ".join(str(a) for a in args)
    print(line, flush=True)
    if LOG:
        LOG.write(line + "\n")
        LOG.flush()


# --------------------------------------------------------------------------
# Data


def read_pairs(path, max_src, max_tgt):
    pairs = []
    total = 0
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2:
                continue
            total += 1
            en, zh = cols[0].strip(), cols[1].strip()
            s = tokenize(en, "words", True)
            t = tokenize(zh, "characters", False)
            if 1 <= len(s) <= max_src and 1 <= len(t) <= max_tgt:
                pairs.append((en, zh, s, t))
    return pairs, total


def split_pairs(pairs, heldout_fraction, seed):
    """Held-out split by distinct English sentence (token sequence), so that
    no held-out source sentence is ever seen in training, even with another
    translation."""
    sources = sorted({tuple(p[2]) for p in pairs})
    rng = random.Random(seed)
    rng.shuffle(sources)
    n_held = int(round(len(sources) * heldout_fraction))
    held = set(sources[:n_held])
    train = [p for p in pairs if tuple(p[2]) not in held]
    test = [p for p in pairs if tuple(p[2]) in held]
    return train, test


def build_vocab(sequences, min_count):
    counts = collections.Counter(tok for seq in sequences for tok in seq)
    words = sorted((w for w, c in counts.items() if c >= min_count and w not in SPECIALS),
                   key=lambda w: (-counts[w], w))
    vocab = SPECIALS + words
    return vocab, {w: i for i, w in enumerate(vocab)}


def ids(tokens, index):
    return [index.get(t, UNK) for t in tokens]


def make_batches(examples, batch_size, rng):
    """examples: (src_ids, tgt_ids). Groups by exact source length, then cuts
    each group into batches; the batch order is shuffled."""
    by_len = collections.defaultdict(list)
    for ex in examples:
        by_len[len(ex[0])].append(ex)
    batches = []
    for L in sorted(by_len):
        group = by_len[L][:]
        rng.shuffle(group)
        for i in range(0, len(group), batch_size):
            batches.append(group[i:i + batch_size])
    rng.shuffle(batches)
    return batches


def batch_tensors(batch):
    src = torch.tensor([ex[0] for ex in batch], dtype=torch.long)  # all the same length
    T = max(len(ex[1]) for ex in batch)
    tgt = torch.full((len(batch), T), IGNORE, dtype=torch.long)
    for i, ex in enumerate(batch):
        tgt[i, :len(ex[1])] = torch.tensor(ex[1], dtype=torch.long)
    return src, tgt


# --------------------------------------------------------------------------
# Model runs


def train_batch(encoder, decoder, src, tgt, criterion):
    encoder_outputs, encoder_hidden = encoder(src)
    # Teacher forcing: step i reads target i-1 (padding positions read EOS;
    # their outputs are ignored by the loss and cannot influence earlier steps).
    forced = tgt.clone()
    forced[forced == IGNORE] = EOS
    decoder_outputs, _, _ = decoder(encoder_outputs, encoder_hidden, forced,
                                    sos_token=SOS, max_length=tgt.size(1))
    return criterion(decoder_outputs.reshape(-1, decoder_outputs.size(-1)), tgt.reshape(-1))


@torch.no_grad()
def greedy(encoder, decoder, src_batch, max_length):
    """Greedy decoding of a batch of same-length sources; returns lists of
    target ids, each cut after its first EOS (EOS not included)."""
    encoder_outputs, encoder_hidden = encoder(src_batch)
    out, _, _ = decoder(encoder_outputs, encoder_hidden, None, sos_token=SOS, max_length=max_length)
    best = out.argmax(-1).tolist()
    result = []
    for row in best:
        if EOS in row:
            row = row[:row.index(EOS)]
        result.append(row)
    return result


def translate_all(encoder, decoder, sources, src_index, max_length, batch_size=256):
    """sources: token lists. Returns output id lists, in order."""
    order = collections.defaultdict(list)
    for i, s in enumerate(sources):
        order[len(s) + 1].append(i)
    results = [None] * len(sources)
    for L, idxs in order.items():
        for k in range(0, len(idxs), batch_size):
            chunk = idxs[k:k + batch_size]
            src = torch.tensor([ids(sources[i], src_index) + [EOS] for i in chunk], dtype=torch.long)
            for i, r in zip(chunk, greedy(encoder, decoder, src, max_length)):
                results[i] = r
    return results


# --------------------------------------------------------------------------
# Scores (character level; white space ignored)


def char_ngrams(chars, n):
    return collections.Counter(tuple(chars[i:i + n]) for i in range(len(chars) - n + 1))


def chrf(hyps, refs, max_n=6, beta=2.0):
    """Corpus-level chrF (Popovic 2015): character n-gram precision and
    recall with counts summed over the corpus for n = 1..max_n, precision and
    recall each averaged over n, then combined as F-beta (beta 2). White space
    is ignored. (sacrebleu 2.x averages the per-n F scores instead, which
    gives slightly different numbers.) Returns 0..100."""
    match = [0] * max_n
    hyp_total = [0] * max_n
    ref_total = [0] * max_n
    for h, r in zip(hyps, refs):
        hc = [c for c in h if not c.isspace()]
        rc = [c for c in r if not c.isspace()]
        for n in range(1, max_n + 1):
            hn, rn = char_ngrams(hc, n), char_ngrams(rc, n)
            match[n - 1] += sum((hn & rn).values())
            hyp_total[n - 1] += sum(hn.values())
            ref_total[n - 1] += sum(rn.values())
    ps, rs = [], []
    for n in range(max_n):
        if hyp_total[n] > 0 and ref_total[n] > 0:
            ps.append(match[n] / hyp_total[n])
            rs.append(match[n] / ref_total[n])
    if not ps:
        return 0.0
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    if p + r == 0:
        return 0.0
    b2 = beta * beta
    return 100.0 * (1 + b2) * p * r / (b2 * p + r)


def char_bleu(hyps, refs, max_n=4):
    """Corpus-level BLEU-4 on characters (no smoothing), 0..100."""
    match = [0] * max_n
    total = [0] * max_n
    hyp_len = ref_len = 0
    for h, r in zip(hyps, refs):
        hc = [c for c in h if not c.isspace()]
        rc = [c for c in r if not c.isspace()]
        hyp_len += len(hc)
        ref_len += len(rc)
        for n in range(1, max_n + 1):
            hn, rn = char_ngrams(hc, n), char_ngrams(rc, n)
            match[n - 1] += sum((hn & rn).values())
            total[n - 1] += sum(hn.values())
    if min(match) == 0 or hyp_len == 0:
        return 0.0
    log_p = sum(math.log(m / t) for m, t in zip(match, total)) / max_n
    bp = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return 100.0 * bp * math.exp(log_p)


# --------------------------------------------------------------------------


def main():
    global LOG
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpus", help="cmn.txt (English TAB Chinese TAB attribution)")
    p.add_argument("--out", default="data/models/en-zh-gru.json", help="AttnScope model file to write")
    p.add_argument("--checkpoint", default="/tmp/en-zh-gru.pt", help="PyTorch checkpoint (saved every epoch)")
    p.add_argument("--log", default="/tmp/train.log", help="copy of the progress output")
    p.add_argument("--hidden", type=int, default=160)
    p.add_argument("--epochs", type=int, default=24)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--lr-decay-from", type=int, default=16,
                   help="multiply the learning rate by --lr-decay at the start of every epoch from this one on (0: never)")
    p.add_argument("--lr-decay", type=float, default=0.8)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--clip", type=float, default=1.0, help="gradient norm clipping (0: none)")
    p.add_argument("--min-count", type=int, default=3)
    p.add_argument("--max-source-tokens", type=int, default=10)
    p.add_argument("--max-target-chars", type=int, default=16)
    p.add_argument("--max-target-length", type=int, default=20,
                   help="decoding.max_length of the exported model (end token included)")
    p.add_argument("--heldout", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--time-budget", type=float, default=42,
                   help="minutes: stop after the epoch past which the next one would not fit (0: no budget)")
    p.add_argument("--limit-batches", type=int, default=0, help="debug: batches per epoch (0: all)")
    args = p.parse_args()

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
    log("vocabulary: English %d, Chinese %d (min count %d)" % (len(src_vocab), len(tgt_vocab), args.min_count))

    examples = [(ids(p[2], src_index) + [EOS], ids(p[3], tgt_index) + [EOS]) for p in train]

    encoder = EncoderRNN(len(src_vocab), args.hidden, args.dropout)
    decoder = AttnDecoderRNN(args.hidden, len(tgt_vocab), args.dropout)
    params = list(encoder.parameters()) + list(decoder.parameters())
    log("parameters: %d, hidden %d, batch %d, lr %g, dropout %g, %d threads"
        % (sum(p.numel() for p in params), args.hidden, args.batch_size, args.lr, args.dropout, args.threads))
    optimizer = torch.optim.Adam(params, lr=args.lr)
    criterion = nn.NLLLoss(ignore_index=IGNORE)

    settings = {k: v for k, v in vars(args).items() if k not in ("corpus", "out", "checkpoint", "log", "limit_batches")}
    probes = ["I am hungry.", "He is a teacher.", "Where is the station?", "I love you.",
              "What is your name?", "It's raining.", "I don't know.", "Thank you very much."]

    def checkpoint(extra):
        ck = {
            "encoder_state": encoder.state_dict(),
            "decoder_state": decoder.state_dict(),
            "hidden_size": args.hidden,
            "source_vocab": src_vocab,
            "target_vocab": tgt_vocab,
            "sos_index": SOS, "eos_index": EOS, "unk_index": UNK,
            "source_tokenizer": {"type": "words", "lowercase": True},
            "target_tokenizer": {"type": "characters", "lowercase": False},
            "languages": {"source": "en", "target": "zh-CN"},
            "settings": settings,
        }
        ck.update(extra)
        tmp = args.checkpoint + ".tmp"
        torch.save(ck, tmp)
        os.replace(tmp, args.checkpoint)

    def show_probes():
        encoder.eval()
        decoder.eval()
        outs = translate_all(encoder, decoder, [tokenize(s, "words", True) for s in probes],
                             src_index, args.max_target_length)
        for s, o in zip(probes, outs):
            log("    %-24s -> %s" % (s, "".join(tgt_vocab[i] for i in o)))

    epoch_times = []
    final_loss = None
    epochs_done = 0
    for epoch in range(1, args.epochs + 1):
        if args.lr_decay_from and epoch >= args.lr_decay_from:
            for g in optimizer.param_groups:
                g["lr"] *= args.lr_decay
        encoder.train()
        decoder.train()
        t0 = time.time()
        batches = make_batches(examples, args.batch_size, rng)
        if args.limit_batches:
            batches = batches[:args.limit_batches]
        loss_sum, tok_sum = 0.0, 0
        for bi, batch in enumerate(batches, 1):
            src, tgt = batch_tensors(batch)
            optimizer.zero_grad()
            loss = train_batch(encoder, decoder, src, tgt, criterion)
            loss.backward()
            if args.clip:
                nn.utils.clip_grad_norm_(params, args.clip)
            optimizer.step()
            ntok = int((tgt != IGNORE).sum())
            loss_sum += loss.item() * ntok
            tok_sum += ntok
            if bi % 100 == 0:
                log("  epoch %d batch %d/%d loss %.4f elapsed %.1f min"
                    % (epoch, bi, len(batches), loss_sum / tok_sum, (time.time() - t_start) / 60))
        epoch_times.append(time.time() - t0)
        final_loss = loss_sum / tok_sum
        epochs_done = epoch
        log("epoch %d/%d loss %.4f (per target token) epoch %.1f s elapsed %.1f min lr %g"
            % (epoch, args.epochs, final_loss, epoch_times[-1], (time.time() - t_start) / 60,
               optimizer.param_groups[0]["lr"]))
        show_probes()
        checkpoint({"epochs_done": epoch, "train_loss": final_loss})
        if args.time_budget:
            elapsed = (time.time() - t_start) / 60
            if elapsed + max(epoch_times) / 60 > args.time_budget and epoch < args.epochs:
                log("time budget of %.0f min reached: stopping after epoch %d" % (args.time_budget, epoch))
                break
    train_minutes = (time.time() - t_start) / 60

    # Held-out evaluation
    encoder.eval()
    decoder.eval()
    t0 = time.time()
    outs = translate_all(encoder, decoder, [p[2] for p in test], src_index, args.max_target_length)
    hyps = ["".join(tgt_vocab[i] for i in o) for o in outs]
    refs = [p[1] for p in test]
    score_chrf = chrf(hyps, refs)
    score_bleu = char_bleu(hyps, refs)
    log("held-out (%d pairs): chrF %.2f, character BLEU-4 %.2f (%.1f s)"
        % (len(test), score_chrf, score_bleu, time.time() - t0))
    ex_rng = random.Random(args.seed + 1)
    for i in sorted(ex_rng.sample(range(len(test)), min(10, len(test)))):
        log("  EN:  %s\n  REF: %s\n  OUT: %s" % (test[i][0], test[i][1], hyps[i]))

    settings.update({"epochs_done": epochs_done, "final_train_loss": round(final_loss, 4),
                     "train_pairs": len(train), "heldout_pairs": len(test),
                     "train_minutes": round(train_minutes, 1)})
    metadata = {
        "name": "English -> Chinese (GRU + Bahdanau attention)",
        "description": ("The PyTorch tutorial's seq2seq GRU with Bahdanau attention, hidden size %d, trained "
                        "on %d short English-Chinese pairs (<= %d English words and punctuation, <= %d Chinese "
                        "characters). English is lower-cased and cut into words, Chinese into characters. "
                        "A small demonstration model: it knows short everyday sentences only."
                        % (args.hidden, len(train), args.max_source_tokens, args.max_target_chars)),
        "license": "CC-BY 2.0 FR (training data); model weights under the same terms",
        "training_data": "Tatoeba (tatoeba.org) via www.manythings.org/anki (cmn-eng.zip)",
        "authors": "AttnScope contributors (tools/train_gru.py)",
        "settings": settings,
        "heldout_score": {"chrF": round(score_chrf, 2), "char_BLEU4": round(score_bleu, 2),
                          "pairs": len(test)},
    }
    checkpoint({"epochs_done": epochs_done, "train_loss": final_loss, "metadata": metadata})
    model = export_gru_attention(encoder, decoder, src_vocab, tgt_vocab, args.out, sos_index=SOS,
                                 eos_index=EOS, unk_index=UNK, source_tokenizer="words",
                                 target_tokenizer="characters", max_target_length=args.max_target_length,
                                 metadata=metadata, encoding="base64",
                                 source_language="en", target_language="zh-CN")
    log("wrote %s (%.1f MB); total %.1f min" % (args.out, os.path.getsize(args.out) / 1e6,
                                                  (time.time() - t_start) / 60))
    show_probes()
    del model


if __name__ == "__main__":
    main()

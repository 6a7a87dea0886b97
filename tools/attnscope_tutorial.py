"""The model of the PyTorch tutorial "NLP From Scratch: Translation with a
Sequence to Sequence Network and Attention", and AttnScope's tokenizers.

The three module classes are the tutorial's (same names, same sub-module
names, hence the same state_dict keys), with one change: the start token and
the maximum decoding length are parameters instead of the tutorial's globals
SOS_token and MAX_LENGTH (which remain the defaults).

The tokenizers implement exactly the "words" and "characters" rules of
docs/model-format.md, so that a model trained with them sees the same tokens
as the C engine gives it.

Run with Debian's Python (/usr/bin/python3), which has python3-torch.
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SOS_token = 0
EOS_token = 1
MAX_LENGTH = 10


class EncoderRNN(nn.Module):
    def __init__(self, input_size, hidden_size, dropout_p=0.1):
        super(EncoderRNN, self).__init__()
        self.hidden_size = hidden_size

        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, input):
        embedded = self.dropout(self.embedding(input))
        output, hidden = self.gru(embedded)
        return output, hidden


class BahdanauAttention(nn.Module):
    def __init__(self, hidden_size):
        super(BahdanauAttention, self).__init__()
        self.Wa = nn.Linear(hidden_size, hidden_size)
        self.Ua = nn.Linear(hidden_size, hidden_size)
        self.Va = nn.Linear(hidden_size, 1)

    def forward(self, query, keys):
        scores = self.Va(torch.tanh(self.Wa(query) + self.Ua(keys)))
        scores = scores.squeeze(2).unsqueeze(1)

        weights = F.softmax(scores, dim=-1)
        context = torch.bmm(weights, keys)

        return context, weights


class AttnDecoderRNN(nn.Module):
    def __init__(self, hidden_size, output_size, dropout_p=0.1):
        super(AttnDecoderRNN, self).__init__()
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.attention = BahdanauAttention(hidden_size)
        self.gru = nn.GRU(2 * hidden_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, output_size)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, encoder_outputs, encoder_hidden, target_tensor=None,
                sos_token=SOS_token, max_length=None):
        """Runs max_length steps (default: target_tensor's length when one is
        given, MAX_LENGTH otherwise), as the tutorial does.

        With target_tensor (batch, T) the step i input is target_tensor[:, i-1]
        (teacher forcing); without it, the previous step's argmax.
        Returns (log_softmax outputs (batch, steps, vocab), hidden,
        attentions (batch, steps, source length))."""
        if max_length is None:
            max_length = target_tensor.size(1) if target_tensor is not None else MAX_LENGTH
        batch_size = encoder_outputs.size(0)
        decoder_input = torch.empty(batch_size, 1, dtype=torch.long,
                                    device=encoder_outputs.device).fill_(sos_token)
        decoder_hidden = encoder_hidden
        decoder_outputs = []
        attentions = []

        for i in range(max_length):
            decoder_output, decoder_hidden, attn_weights = self.forward_step(
                decoder_input, decoder_hidden, encoder_outputs
            )
            decoder_outputs.append(decoder_output)
            attentions.append(attn_weights)

            if target_tensor is not None:
                # Teacher forcing: Feed the target as the next input
                decoder_input = target_tensor[:, i].unsqueeze(1)
            else:
                # Without teacher forcing: use its own predictions as the next input
                _, topi = decoder_output.topk(1)
                decoder_input = topi.squeeze(-1).detach()  # detach from history as input

        decoder_outputs = torch.cat(decoder_outputs, dim=1)
        decoder_outputs = F.log_softmax(decoder_outputs, dim=-1)
        attentions = torch.cat(attentions, dim=1)

        return decoder_outputs, decoder_hidden, attentions

    def forward_step(self, input, hidden, encoder_outputs):
        embedded = self.dropout(self.embedding(input))

        query = hidden.permute(1, 0, 2)
        context, attn_weights = self.attention(query, encoder_outputs)
        input_gru = torch.cat((embedded, context), dim=2)

        output, hidden = self.gru(input_gru, hidden)
        output = self.out(output)

        return output, hidden, attn_weights


# --------------------------------------------------------------------------
# Tokenizers (docs/model-format.md), kept in a module without torch so that
# test tools can use them on any Python 3.
from attnscope_tokenize import default_join, default_lowercase, tokenize  # noqa: E402,F401


if __name__ == "__main__":
    assert tokenize("Don't stop, Bob!", "words") == ["don't", "stop", ",", "bob", "!"]
    assert tokenize("我 饿了。", "characters") == ["我", "饿", "了", "。"]
    assert tokenize("I’m 'here' 3'4 $5", "words") == ["i’m", "'", "here", "'", "3'4", "$", "5"]
    print("tokenizer self-test ok")

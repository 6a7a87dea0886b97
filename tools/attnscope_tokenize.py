"""AttnScope's tokenizers: the "words", "characters" and "whitespace" rules
of docs/model-format.md ("Tokenizers"), in plain Python 3 (no torch).

    tokenize("Don't stop, Bob!", "words")   -> ["don't", "stop", ",", "bob", "!"]
    tokenize("我 饿了。", "characters")        -> ["我", "饿", "了", "。"]
    tokenize("Hello, world!", "whitespace") -> ["Hello,", "world!"]

Choices where the format doc leaves room (see the notes in the report):
white space is str.isspace(); lower-casing is str.lower() (full Unicode
case mapping); "letters or digits" around an apostrophe are the general
categories L* and N*.
"""

import unicodedata

APOSTROPHES = ("'", "\u2019")


def _is_punct_or_symbol(ch):
    return unicodedata.category(ch)[0] in ("P", "S")


def _is_letter_or_digit(ch):
    # "letters or digits": Unicode general categories L* and N*.
    return unicodedata.category(ch)[0] in ("L", "N")


def tokenize_words(text):
    tokens = []
    word = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch.isspace():
            if word:
                tokens.append("".join(word))
                word = []
        elif (ch in APOSTROPHES and 0 < i < n - 1
              and _is_letter_or_digit(text[i - 1]) and _is_letter_or_digit(text[i + 1])):
            word.append(ch)
        elif _is_punct_or_symbol(ch):
            if word:
                tokens.append("".join(word))
                word = []
            tokens.append(ch)
        else:
            word.append(ch)
    if word:
        tokens.append("".join(word))
    return tokens


def tokenize_characters(text):
    return [ch for ch in text if not ch.isspace()]


def tokenize_whitespace(text):
    # str.split() without a separator cuts at runs of exactly the characters
    # str.isspace() accepts (checked for every code point under Python 3.11),
    # the white space of the "words" tokenizer, and drops empty strings.
    return text.split()


TYPES = ("words", "characters", "whitespace")


def default_lowercase(type):
    return type == "words"


def default_join(type):
    return "" if type == "characters" else " "


def tokenize(text, type, lowercase=None):
    """Cuts text into tokens as the side's tokenizer {"type": type,
    "lowercase": lowercase} of the model format does (lowercase None means
    the format's default for the type)."""
    if lowercase is None:
        lowercase = default_lowercase(type)
    if lowercase:
        text = text.lower()
    if type == "words":
        return tokenize_words(text)
    if type == "characters":
        return tokenize_characters(text)
    if type == "whitespace":
        return tokenize_whitespace(text)
    raise ValueError("unknown tokenizer type %r (expected 'words', 'characters' or 'whitespace')" % (type,))


if __name__ == "__main__":
    assert tokenize("Don't stop, Bob!", "words") == ["don't", "stop", ",", "bob", "!"]
    assert tokenize("我 饿了。", "characters") == ["我", "饿", "了", "。"]
    assert tokenize("I’m 'here' 3'4 $5", "words") == ["i’m", "'", "here", "'", "3'4", "$", "5"]
    assert tokenize(" Hello,\u00a0World!\u3000\u001c x ", "whitespace") == ["Hello,", "World!", "x"]
    assert tokenize("Hello, World!", "whitespace", lowercase=True) == ["hello,", "world!"]
    assert tokenize("Hello, World!", "whitespace", True) == ["hello,", "world!"]
    assert default_lowercase("whitespace") is False and default_join("whitespace") == " "
    assert tokenize("a\u200bb", "whitespace") == ["a\u200bb"]  # U+200B is not white space
    print("tokenizer self-test ok")

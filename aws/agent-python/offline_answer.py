"""The offline model's text, ported from aws/agent/offline-answer.ts so both agents give the same
answer to the same conversation, byte for byte (offline-answer.python.test.ts compares them).

Shape: a quote of the prompt, a line recalling the previous prompt, a paragraph, a list, a table of
the prompt's first words when it asks for one (`table`, `tables`, 表; Japanese split into words by
script), a fenced code block, then filler. `words:N` in the prompt asks for N words of filler, the word `long` for 600.

The seeded parts (FNV-1a over UTF-16 code units, mulberry32) are done in unsigned 32-bit arithmetic
so they give JavaScript's numbers exactly.
"""

from __future__ import annotations

import json
import re
from typing import Callable, Sequence

DEFAULT_FILLER_WORDS = 40
LONG_FILLER_WORDS = 600
MAX_FILLER_WORDS = 20_000
TABLE_ROWS = 5

_U32 = 0xFFFFFFFF
# JavaScript's \s (and what String.prototype.trim removes): not Python's, which also counts \x1c-\x1f
# and \x85 as space and leaves out \ufeff.
JS_SPACE = "\t\n\v\f\r \u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
_S = "[" + re.escape(JS_SPACE) + "]"
_NOT_S = "[^" + re.escape(JS_SPACE) + "]"
# JavaScript's \b and \d are ASCII-only.
_WORDS_MARKER = re.compile(r"\bwords:([0-9]+)\b", re.IGNORECASE | re.ASCII)
_LONG_MARKER = re.compile(r"\blong\b", re.IGNORECASE | re.ASCII)
_TABLE_WORD = re.compile(r"\btables?\b", re.IGNORECASE | re.ASCII)
_TABLE_JA = re.compile("表(?![示現])")
# CommonMark lets every ASCII punctuation character be backslash-escaped.
_ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
_TOKEN = re.compile(f"{_NOT_S}+{_S}*|{_S}+")


def compose_answer(prompt: str, earlier: Sequence[str]) -> str:
    """The answer to `prompt`, given the conversation's earlier user prompts (oldest first)."""
    words = [w for w in re.split(f"{_S}+", prompt) if w]
    turn = len(earlier) + 1
    parts = ["**Offline model** — you asked:", f"> {_shorten(prompt, 240)}"]
    if earlier:
        parts.append(f"Earlier you asked: “{_shorten(earlier[-1], 160)}” — this is turn {turn} of our conversation.")
    parts.extend(
        [
            "This answer comes from the embedded offline model: it is deterministic and streams at a fixed pace, "
            "so the page, the tests and the benchmarks see the same thing every time.",
            "\n".join(
                [
                    f"- Your prompt has {len(words)} {'word' if len(words) == 1 else 'words'} and {len(prompt)} characters.",
                    f"- Its longest word is “{_longest_word(words)}”.",
                    "- Set `AGENT_MODEL_ID` to a Bedrock model id for real answers.",
                ]
            ),
        ]
    )
    if asks_for_table(prompt):
        parts.extend(["Your prompt's first words, in a table:", _word_table(words)])
    parts.append(_code_block("json", json.dumps({"prompt": _shorten(prompt, 500), "turn": turn}, indent=2, ensure_ascii=False)))
    seed = _fnv1a("\u0000".join([*earlier, prompt]))
    parts.extend(_filler(requested_filler_words(prompt), seed))
    return "\n\n".join(parts) + "\n"


def requested_filler_words(prompt: str) -> int:
    match = _WORDS_MARKER.search(prompt)
    if match:
        return min(int(match.group(1)), MAX_FILLER_WORDS)
    return LONG_FILLER_WORDS if _LONG_MARKER.search(prompt) else DEFAULT_FILLER_WORDS


def asks_for_table(prompt: str) -> bool:
    """`table(s)` as an ASCII word in any case, or 表 outside 表示 and 表現 (offline-answer.ts asksForTable)."""
    return bool(_TABLE_WORD.search(prompt) or _TABLE_JA.search(prompt))


def _word_table(words: Sequence[str]) -> str:
    """The prompt's first words (_table_words) and their lengths; cells escaped so a `|` cannot end one early."""
    rows = [f"| {i + 1} | {_table_cell(_shorten(word, 40))} | {len(word)} |" for i, word in enumerate(_table_words(words, TABLE_ROWS))]
    return "\n".join(["| # | Word | Characters |", "| ---: | :--- | ---: |", *rows])


def _table_words(words: Sequence[str], count: int) -> list[str]:
    """The first `count` words of the table: the whitespace-separated words as they are, except that a
    word holding Japanese is split where its script changes (_japanese_words)."""
    out: list[str] = []
    for word in words:
        if len(out) >= count:
            break
        if any(_script_of(ord(c)) in _JAPANESE for c in word):
            out.extend(_japanese_words(word, count - len(out)))
        else:
            out.append(word)
    return out


_JAPANESE = {"kanji", "hiragana", "katakana"}


def _japanese_words(word: str, count: int) -> list[str]:
    """The first `count` runs of one script, punctuation dropped, a hiragana run kept with the run before
    it (offline-answer.ts japaneseWords: エッジからのストリーミングを表と → エッジからの, ストリーミングを, 表と)."""
    parts: list[str] = []
    current: list[str] = []
    last = None
    for c in word:
        script = _script_of(ord(c))
        if script == "punctuation":
            if current:
                parts.append("".join(current))
            current = []
        elif current and (script == last or script == "hiragana"):
            current.append(c)
        else:
            if current:
                parts.append("".join(current))
            current = [c]
        last = script
        if len(parts) >= count:
            return parts[:count]
    if current:
        parts.append("".join(current))
    return parts[:count]


# The ranges of offline-answer.ts SCRIPT_RANGES, in the same order, so both twins split alike.
_SCRIPT_RANGES = (
    (0x3400, 0x4DBF, "kanji"), (0x4E00, 0x9FFF, "kanji"), (0xF900, 0xFAFF, "kanji"), (0x20000, 0x3FFFF, "kanji"), (0x3005, 0x3007, "kanji"), (0x303B, 0x303B, "kanji"),
    (0x3041, 0x309F, "hiragana"),
    (0x30A0, 0x30FA, "katakana"), (0x30FC, 0x30FF, "katakana"), (0x31F0, 0x31FF, "katakana"), (0xFF66, 0xFF9F, "katakana"),
    (0x30, 0x39, "latin"), (0x41, 0x5A, "latin"), (0x61, 0x7A, "latin"), (0xFF10, 0xFF19, "latin"), (0xFF21, 0xFF3A, "latin"), (0xFF41, 0xFF5A, "latin"),
    (0xC0, 0xD6, "latin"), (0xD8, 0xF6, "latin"), (0xF8, 0x24F, "latin"),
    (0x21, 0x2F, "punctuation"), (0x3A, 0x40, "punctuation"), (0x5B, 0x60, "punctuation"), (0x7B, 0x7E, "punctuation"), (0xA1, 0xBF, "punctuation"),
    (0xD7, 0xD7, "punctuation"), (0xF7, 0xF7, "punctuation"), (0x2010, 0x2027, "punctuation"), (0x2030, 0x205E, "punctuation"), (0x3000, 0x303F, "punctuation"),
    (0x30FB, 0x30FB, "punctuation"), (0xFF01, 0xFF0F, "punctuation"), (0xFF1A, 0xFF20, "punctuation"), (0xFF3B, 0xFF40, "punctuation"), (0xFF5B, 0xFF65, "punctuation"),
)


def _script_of(cp: int) -> str:
    for first, last, script in _SCRIPT_RANGES:
        if first <= cp <= last:
            return script
    return "other"


def _table_cell(text: str) -> str:
    return _ASCII_PUNCTUATION.sub(lambda m: "\\" + m.group(0), text)


def tokenize(text: str) -> list[str]:
    """The chunks the model streams: each word with the whitespace after it ("".join gives text back)."""
    return _TOKEN.findall(text)


def _shorten(text: str, limit: int) -> str:
    flat = re.sub(f"{_S}+", " ", text).strip(JS_SPACE)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _longest_word(words: Sequence[str]) -> str:
    best = ""
    for word in words:
        if len(word) > len(best):
            best = word
    return _shorten(best, 60)


def _code_block(lang: str, body: str) -> str:
    longest_run = max([0, *(len(run) for run in re.findall(r"`+", body))])
    fence = "`" * max(3, longest_run + 1)
    return f"{fence}{lang}\n{body}\n{fence}"


_VOCABULARY = (
    "stream token edge worker lambda agent session answer browser latency chunk signal cancel buffer "
    "region model prompt history gateway runtime request response event frame reader parser render island "
    "steady quick careful simple small clear honest useful bounded ordered partial complete early late "
    "flows arrives waits carries keeps returns ends starts shows holds sends reads writes measures"
).split(" ")


def _filler(count: int, seed: int) -> list[str]:
    rand = _mulberry32(seed)
    paragraphs: list[str] = []
    sentences: list[str] = []
    left = count
    while left > 0:
        length = min(left, 8 + int(rand() * 9))
        words = [_VOCABULARY[int(rand() * len(_VOCABULARY))] for _ in range(length)]
        words[0] = words[0][0].upper() + words[0][1:]
        sentences.append(" ".join(words) + ".")
        left -= length
        if len(sentences) >= 3 + int(rand() * 3) or left == 0:
            paragraphs.append(" ".join(sentences))
            sentences = []
    return paragraphs


def _fnv1a(text: str) -> int:
    """FNV-1a over UTF-16 code units, as JavaScript's charCodeAt sees the string."""
    data = text.encode("utf-16-le", "surrogatepass")
    h = 0x811C9DC5
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & _U32
    return h


def _mulberry32(seed: int) -> Callable[[], float]:
    a = seed & _U32

    def rand() -> float:
        nonlocal a
        a = (a + 0x6D2B79F5) & _U32
        t = ((a ^ (a >> 15)) * (1 | a)) & _U32
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & _U32)) & _U32) ^ t
        return ((t ^ (t >> 14)) & _U32) / 4294967296

    return rand

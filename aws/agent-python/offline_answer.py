"""The offline model's text, ported from aws/agent/offline-answer.ts so both agents give the same
answer to the same conversation, byte for byte (offline_answer_test.py compares them).

Shape: a quote of the prompt, a line recalling the previous prompt, a paragraph, a list, a table of
the prompt's first words when it asks for one (`table`, `tables`, 表), a fenced code block, then
filler. `words:N` in the prompt asks for N words of filler, the word `long` for 600.

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
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
_S = "[" + re.escape(_JS_SPACE) + "]"
_NOT_S = "[^" + re.escape(_JS_SPACE) + "]"
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
    """The prompt's first words and their lengths; cells escaped so a `|` cannot end one early."""
    rows = [f"| {i + 1} | {_table_cell(_shorten(word, 40))} | {len(word)} |" for i, word in enumerate(words[:TABLE_ROWS])]
    return "\n".join(["| # | Word | Characters |", "| ---: | :--- | ---: |", *rows])


def _table_cell(text: str) -> str:
    return _ASCII_PUNCTUATION.sub(lambda m: "\\" + m.group(0), text)


def tokenize(text: str) -> list[str]:
    """The chunks the model streams: each word with the whitespace after it ("".join gives text back)."""
    return _TOKEN.findall(text)


def _shorten(text: str, limit: int) -> str:
    flat = re.sub(f"{_S}+", " ", text).strip(_JS_SPACE)
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

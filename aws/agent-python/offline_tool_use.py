"""When the offline model asks for a tool, and what it says with the result: aws/agent/offline-tool-use.ts
in Python, the same patterns (English and Japanese) and the same answer text, so a prompt takes the
same path through either agent's loop: toolUse -> the tool runs -> toolResult -> the answer. A prompt
that asks for several things gets every toolUse in one message, and the answer comes from all results."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from offline_answer import JS_SPACE

ZONES = {
    "tokyo": "Asia/Tokyo",
    "東京": "Asia/Tokyo",
    "osaka": "Asia/Tokyo",
    "大阪": "Asia/Tokyo",
    "london": "Europe/London",
    "ロンドン": "Europe/London",
    "paris": "Europe/Paris",
    "パリ": "Europe/Paris",
    "new york": "America/New_York",
    "ニューヨーク": "America/New_York",
    "seattle": "America/Los_Angeles",
    "シアトル": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "sydney": "Australia/Sydney",
    "utc": "UTC",
}

# JavaScript's \b and \d are ASCII-only, and its $ (no m flag) is the end of the input: re.ASCII and \Z.
_A = re.ASCII
_CONVERT_EN = re.compile(r"\bconvert\s+(-?[0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s+(?:to|in|into)\s+([A-Za-z]+)", re.IGNORECASE | _A)
# (?<![0-9]): a number starts where digits start (offline-tool-use.ts says why).
_CONVERT_JA = re.compile(r"(-?(?<![0-9])[0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*(?:を|は)\s*([A-Za-z]+)\s*(?:に|で)")
_CALC_EN = re.compile(r"\b(?:calculate|compute|calc)\s*:?\s*([^?\n]+)", re.IGNORECASE | _A)
_CALC_JA = re.compile(r"計算(?:して(?:ください)?)?\s*[:：]\s*([^?？\n]+)")
_IANA = re.compile(r"\btime\b.*?\b([A-Z][A-Za-z_]+/[A-Za-z_]+)", _A)
# A city's name ends with a letter: the same match as [A-Za-z][A-Za-z ]*?, without rescanning runs of spaces (offline-tool-use.ts MORE_CITY).
_CITY_NAME = re.compile("tokyo|osaka|london|paris|new york|seattle|san francisco|sydney|utc", re.IGNORECASE | _A)
_CITY = re.compile(r"\btime\b.*?\bin\s+([A-Za-z](?:[A-Za-z ]*?[A-Za-z])??)\s*(?:[?.!]|now|right now|\Z)", re.IGNORECASE | _A)

# The patterns of several requests in one prompt (offline-tool-use.ts has the reasons). JavaScript's \s
# is spelled out: Python's own also takes \x1c-\x1f and \x85.
_SP = "[" + re.escape(JS_SPACE) + "]"
_SEPARATOR = re.compile(
    rf"(?:[;；、。，？！\n]|[,.!?](?={_SP}|\Z)|{_SP}+(?:and|then)(?={_SP}))(?:{_SP}+(?:and|then|also)(?={_SP}))*{_SP}*", re.IGNORECASE | _A
)
_JA_CITY = "東京|大阪|ロンドン|パリ|ニューヨーク|シアトル"
_JA_CITY_AT = re.compile(_JA_CITY)
_JA_CITY_NEXT = re.compile(rf"(?:と|や|・|および|及び)({_JA_CITY})")
_SPACES = re.compile(f"{_SP}+")
_MORE_CITY = re.compile(rf"(?:in{_SP}+)?([A-Za-z](?:[A-Za-z ]*?[A-Za-z])??){_SP}*(?:right now|now)?\Z", re.IGNORECASE | _A)
_MORE_IANA = re.compile(rf"(?:in{_SP}+)?([A-Z][A-Za-z_]+/[A-Za-z_]+)\Z", _A)
_MORE_JA_CITY = re.compile(rf"({_JA_CITY})(?:は|も)?\Z")
_MORE_CONVERT = re.compile(rf"(-?[0-9]+(?:\.[0-9]+)?){_SP}*([A-Za-z]+){_SP}+(?:to|in|into){_SP}+([A-Za-z]+)\Z", re.IGNORECASE | _A)
_MORE_EXPRESSION = re.compile(rf"(?:[-+*/^%().0-9]|{_SP})+\Z")
_DIGIT = re.compile("[0-9]")


@dataclass(frozen=True)
class ToolCall:
    name: str
    input: dict[str, Any]


def plan_tool_calls(prompt: str, offered: set[str]) -> list[ToolCall]:
    """The tool calls a prompt asks for, in the prompt's order, of the tools the agent offers: all of
    them when it asks for several things, else the one call (or none) it always got."""
    several = _requests(prompt)
    one = _match(prompt) if len(several) < 2 else None
    calls = _distinct(several) if len(several) >= 2 else [one] if one else []
    return [call for call in calls if call.name in offered]


def _trim(text: str) -> str:
    return text.strip(JS_SPACE)


def _clauses(prompt: str) -> list[str]:
    """The prompt's clauses: parted by _SEPARATOR outside brackets, trimmed, empty ones left out."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(prompt):
        c = prompt[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        # Inside a run of spaces no separator can start that did not start with the run (offline-tool-use.ts).
        elif depth == 0 and not (c in JS_SPACE and i > 0 and prompt[i - 1] in JS_SPACE):
            separator = _SEPARATOR.match(prompt, i)
            if separator:
                parts.append(prompt[start:i])
                i += len(separator[0])
                start = i
                continue
        i += 1
    parts.append(prompt[start:])
    return [part for part in (_trim(p) for p in parts) if part]


def _requests(prompt: str) -> list[ToolCall]:
    """Every request of every clause, in order (offline-tool-use.ts requests())."""
    calls: list[ToolCall] = []
    previous: Optional[str] = None
    waiting: list[ToolCall] = []
    for clause in _clauses(prompt):
        asked = _clause_calls(clause)
        found = asked if asked else _continued(clause, previous) if previous else []
        if found:
            if found[0].name == "current_time":
                calls.extend(waiting)
            calls.extend(found)
            previous = found[0].name
            waiting = []
            continue
        previous = None
        city = _MORE_JA_CITY.match(clause)
        waiting = [*waiting, ToolCall("current_time", {"timeZone": ZONES[city[1]]})] if city else []
    return calls


def _clause_calls(clause: str) -> list[ToolCall]:
    command = _match_command(clause)
    if command:
        return [command]
    return [ToolCall("current_time", {"timeZone": ZONES[city]}) for city in _japanese_time_cities(clause)]


def _continued(clause: str, previous: str) -> list[ToolCall]:
    if previous == "current_time":
        city = _MORE_CITY.match(clause)
        iana = _MORE_IANA.match(clause)
        ja = _MORE_JA_CITY.match(clause)
        zone = (ZONES.get(city[1].lower()) if city else None) or (iana[1] if iana else None) or (ZONES[ja[1]] if ja else None)
        return [ToolCall("current_time", {"timeZone": zone})] if zone else []
    if previous == "convert_units":
        convert = _MORE_CONVERT.match(clause)
        return [ToolCall("convert_units", {"value": _number(convert[1]), "from": convert[2], "to": convert[3]})] if convert else []
    return [ToolCall("calculator", {"expression": clause})] if _MORE_EXPRESSION.match(clause) and _DIGIT.search(clause) else []


def _distinct(calls: list[ToolCall]) -> list[ToolCall]:
    """The calls without repeats (Tokyo and Osaka share a time zone: one call)."""
    seen: set[str] = set()
    out: list[ToolCall] = []
    for call in calls:
        key = compact_json([call.name, call.input])
        if key not in seen:
            seen.add(key)
            out.append(call)
    return out


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _match(prompt: str) -> Optional[ToolCall]:
    """The one call a prompt asks for: the first of conversion, calculation, time (in that order) that it names."""
    return _match_command(prompt) or _match_japanese_time(prompt)


def _match_command(prompt: str) -> Optional[ToolCall]:
    convert = _CONVERT_EN.search(prompt) or _CONVERT_JA.search(prompt)
    if convert:
        return ToolCall("convert_units", {"value": _number(convert[1]), "from": convert[2], "to": convert[3]})
    calc = _CALC_EN.search(prompt) or _CALC_JA.search(prompt)
    if calc:
        return ToolCall("calculator", {"expression": re.sub(r"[.。]$", "", calc[1].strip())})
    # Tried only when they can give something (offline-tool-use.ts matchCommand).
    iana = _IANA.search(prompt) if "/" in prompt else None
    if iana:
        return ToolCall("current_time", {"timeZone": iana[1]})
    city = _CITY.search(prompt) if _CITY_NAME.search(prompt) else None
    zone = ZONES.get(city[1].lower()) if city else None
    if zone:
        return ToolCall("current_time", {"timeZone": zone})
    return None


def _match_japanese_time(prompt: str) -> Optional[ToolCall]:
    cities = _japanese_time_cities(prompt)
    return ToolCall("current_time", {"timeZone": ZONES[cities[0]]}) if cities else None


def _japanese_time_cities(text: str) -> list[str]:
    """The cities of a Japanese time request, found in one pass (offline-tool-use.ts japaneseTimeCities):
    the first city in a space-free run that a time word follows in the run, and the cities listed after
    it with と, や, ・ or および that still come before a time word."""
    for run in _SPACES.split(text):
        last_time_word = max(run.rfind("時刻"), run.rfind("時間"), run.rfind("何時"))
        first = _JA_CITY_AT.search(run) if last_time_word >= 0 else None
        if not first or first.end() > last_time_word:
            continue
        cities = [first[0]]
        pos = first.end()
        while True:
            following = _JA_CITY_NEXT.match(run, pos)
            if not following or following.end() > last_time_word:
                break
            cities.append(following[1])
            pos = following.end()
        return cities
    return []


def compact_json(value: Any) -> str:
    """JSON.stringify's output: no spaces, non-ASCII as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def answer_from_tool(call: ToolCall, status: str, result: str) -> str:
    """The answer the offline model gives once a tool's result is back."""
    given = compact_json(call.input)
    if status == "error":
        return f"**Offline model** — the `{call.name}` tool failed for `{given}`:\n\n> {result}\n"
    return f"**Offline model** — I asked the `{call.name}` tool (`{given}`). It says:\n\n{result}\n"


def answer_from_tools(outcomes: Sequence[tuple[ToolCall, str, str]]) -> str:
    """The answer once every tool asked for in one message is back (call, status, result each):
    answer_from_tool's for one call; for several, one opening line, then each result in order."""
    if len(outcomes) == 1:
        return answer_from_tool(*outcomes[0])
    parts = [f"**Offline model** — I asked {len(outcomes)} tools at once."]
    for call, status, result in outcomes:
        given = compact_json(call.input)
        parts.append(f"The `{call.name}` tool failed for `{given}`:\n\n> {result}" if status == "error" else f"The `{call.name}` tool (`{given}`) says:\n\n{result}")
    return "\n\n".join(parts) + "\n"

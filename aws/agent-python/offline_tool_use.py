"""When the offline model asks for a tool, and what it says with the result: aws/agent/offline-tool-use.ts
in Python, the same patterns (English and Japanese) and the same answer text, so a prompt takes the
same path through either agent's loop: toolUse -> the tool runs -> toolResult -> the answer."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional

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
_CONVERT_JA = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*(?:を|は)\s*([A-Za-z]+)\s*(?:に|で)")
_CALC_EN = re.compile(r"\b(?:calculate|compute|calc)\s*:?\s*([^?\n]+)", re.IGNORECASE | _A)
_CALC_JA = re.compile(r"計算(?:して(?:ください)?)?\s*[:：]\s*([^?？\n]+)")
_IANA = re.compile(r"\btime\b.*?\b([A-Z][A-Za-z_]+/[A-Za-z_]+)", _A)
_CITY = re.compile(r"\btime\b.*?\bin\s+([A-Za-z][A-Za-z ]*?)\s*(?:[?.!]|now|right now|\Z)", re.IGNORECASE | _A)
_CITY_JA = re.compile(r"(東京|大阪|ロンドン|パリ|ニューヨーク|シアトル)\S*?(?:時刻|時間|何時)")


@dataclass(frozen=True)
class ToolCall:
    name: str
    input: dict[str, Any]


def plan_tool_call(prompt: str, offered: set[str]) -> Optional[ToolCall]:
    """The tool call a prompt asks for, if any (and if the agent offers that tool)."""
    call = _match(prompt)
    return call if call and call.name in offered else None


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _match(prompt: str) -> Optional[ToolCall]:
    convert = _CONVERT_EN.search(prompt) or _CONVERT_JA.search(prompt)
    if convert:
        return ToolCall("convert_units", {"value": _number(convert[1]), "from": convert[2], "to": convert[3]})
    calc = _CALC_EN.search(prompt) or _CALC_JA.search(prompt)
    if calc:
        return ToolCall("calculator", {"expression": re.sub(r"[.。]$", "", calc[1].strip())})
    iana = _IANA.search(prompt)
    if iana:
        return ToolCall("current_time", {"timeZone": iana[1]})
    city = _CITY.search(prompt)
    zone = ZONES.get(city[1].lower()) if city else None
    if zone:
        return ToolCall("current_time", {"timeZone": zone})
    ja = _CITY_JA.search(prompt)
    if ja:
        return ToolCall("current_time", {"timeZone": ZONES[ja[1]]})
    return None


def compact_json(value: Any) -> str:
    """JSON.stringify's output: no spaces, non-ASCII as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def answer_from_tool(call: ToolCall, status: str, result: str) -> str:
    """The answer the offline model gives once a tool's result is back."""
    given = compact_json(call.input)
    if status == "error":
        return f"**Offline model** — the `{call.name}` tool failed for `{given}`:\n\n> {result}\n"
    return f"**Offline model** — I asked the `{call.name}` tool (`{given}`). It says:\n\n{result}\n"

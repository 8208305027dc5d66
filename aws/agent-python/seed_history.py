"""The edge keeps every conversation (a Durable Object, app/server/conversation/) and sends its earlier
turns, compact, with every prompt (`history`: [{"role": "user"|"assistant", "text": ...}], the format
of protocol/request.ts). The agent keeps its own, richer history in memory per session and uses the
edge's only when its session is fresh: AgentCore ended the idle session, StopRuntimeSession ended its
microVM, or the process crashed. Then the next turn still has the earlier turns in context. A session
that already has messages ignores it: they hold tool calls and results the compact history leaves out.

The same rule as the TypeScript agent's aws/agent/seed-history.ts, over Strands' Python messages.
"""

from __future__ import annotations

from typing import Any, Optional

ROLES = ("user", "assistant")


class HistoryError(ValueError):
    pass


def parse_history(value: Any) -> Optional[list[dict[str, str]]]:
    """The payload's `history`, checked: None when absent; HistoryError when it is not a list of
    {"role": "user"|"assistant", "text": str}. The Lambda already validated it (protocol/request.ts); a
    direct caller of the agent gets the same rule."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise HistoryError('`history` must be a list of {"role": "user"|"assistant", "text": "..."} messages')
    for i, message in enumerate(value):
        if not isinstance(message, dict) or message.get("role") not in ROLES or not isinstance(message.get("text"), str):
            raise HistoryError(f'`history[{i}]` must be {{"role": "user"|"assistant", "text": "..."}}')
    return [{"role": m["role"], "text": m["text"]} for m in value]


def seed_history(messages: list[Any], history: Optional[list[dict[str, str]]]) -> int:
    """Seeds a fresh agent's `messages` (in place) with the history; returns how many messages it added
    (0 when the agent already has messages, or there is nothing to add). Consecutive messages of one
    role are joined and a leading assistant or trailing user message is dropped: model APIs (Bedrock's
    Converse among them) want the roles to alternate, starting with the user, and the new prompt is the
    next user message."""
    if not history or len(messages) > 0:
        return 0
    merged: list[dict[str, str]] = []
    for message in history:
        if message["text"].strip() == "":
            continue
        if merged and merged[-1]["role"] == message["role"]:
            merged[-1]["text"] += "\n\n" + message["text"]
        elif merged or message["role"] == "user":
            merged.append(dict(message))
    if merged and merged[-1]["role"] == "user":
        merged.pop()
    messages.extend({"role": m["role"], "content": [{"text": m["text"]}]} for m in merged)
    return len(merged)

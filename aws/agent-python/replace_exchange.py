"""Edit, regenerate and retry on the page send the new prompt with `replaces`: the prompt of the
conversation's last exchange that the new one takes the place of. That exchange (the prompt, any tool
calls and results, the answer or the part of it that was kept) leaves the history, so the model
answers as if it had never been. If the last prompt is not that one (the failed attempt never reached
the history, or was already dropped), nothing changes: a retry is safe to send twice.

The same rule as the TypeScript agent's aws/agent/replace-exchange.ts, over Strands' Python messages
(dicts with `role` and `content` blocks: {"text"}, {"toolUse"}, {"toolResult"} ...).
"""

from __future__ import annotations

from typing import Any, Optional


def drop_last_exchange(messages: list[Any], replaces: str) -> bool:
    """Removes, in place, the last prompt and everything after it when that prompt is `replaces`."""
    for i in range(len(messages) - 1, -1, -1):
        text = prompt_text(messages[i])
        if text is None:
            continue
        if text != replaces:
            return False
        del messages[i:]
        return True
    return False


def prompt_text(message: Any) -> Optional[str]:
    """A user message's prompt text; None for assistant messages and tool results."""
    if not isinstance(message, dict) or message.get("role") != "user":
        return None
    texts = [block["text"] for block in message.get("content") or [] if isinstance(block, dict) and isinstance(block.get("text"), str)]
    return "".join(texts) if texts else None

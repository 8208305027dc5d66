"""The offline model: a Strands model provider that needs no AWS account, the Python twin of
aws/agent/offline-model.ts. It plugs in where BedrockModel plugs in, so the agent loop, history and
cancel are Strands' own code in both cases.

It streams `compose_answer`'s text one word at a time at a fixed pace (due times counted from the
start, so a slow reader adds no drift) and stops waiting as soon as the agent's cancel signal is set.
A prompt that asks for the time, a calculation or a unit conversion gets a toolUse first
(offline_tool_use.py), in the events Bedrock's ConverseStream gives; the agent loop runs the tool and
calls the model again with its result. A prompt that asks for several gets one toolUse block per call
in one message; Strands runs them (concurrently, its default executor) and returns every result in
one message.
A prompt containing `fail:model` makes it fail halfway through its answer: the local chain's tests use
it to see an agent error travel to the browser.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from typing import Any, AsyncGenerator, AsyncIterable, Optional, TypedDict

from strands.models import Model

from offline_answer import compose_answer, tokenize
from offline_tool_use import ToolCall, answer_from_tools, compact_json, plan_tool_calls

OFFLINE_MODEL_ID = "offline"
FAIL_MARKER = "fail:model"
# How often a pending token wait looks at the cancel signal (a threading.Event, so it cannot be awaited).
_CANCEL_POLL_S = 0.02


class OfflineModelError(RuntimeError):
    """The failure `fail:model` asks for."""


class OfflineModelConfig(TypedDict, total=False):
    model_id: str
    first_token_ms: float
    tokens_per_second: float
    max_tokens: Optional[int]


class OfflineModel(Model):
    def __init__(self, **config: Any) -> None:
        self.config: OfflineModelConfig = {"model_id": OFFLINE_MODEL_ID, "first_token_ms": 0, "tokens_per_second": 0, "max_tokens": None}
        self.update_config(**config)

    def update_config(self, **model_config: Any) -> None:
        self.config.update(model_config)  # type: ignore[typeddict-item]

    def get_config(self) -> OfflineModelConfig:
        return self.config

    def structured_output(self, output_model: Any, prompt: Any, system_prompt: Optional[str] = None, **kwargs: Any) -> AsyncGenerator[Any, None]:
        raise NotImplementedError("the offline model has no structured output")

    async def stream(
        self,
        messages: Any,
        tool_specs: Any = None,
        system_prompt: Optional[str] = None,
        *,
        cancel_signal: Optional[threading.Event] = None,
        **kwargs: Any,
    ) -> AsyncIterable[Any]:
        started = time.monotonic()
        texts = [_text_of(m) for m in messages]
        # User messages that carry only tool results are not prompts.
        prompts = [t for m, t in zip(messages, texts) if m.get("role") == "user" and t]
        prompt = prompts[-1] if prompts else ""
        results = _tool_results(messages[-1] if messages else None)
        if results:
            calls = _tool_calls(messages[-2] if len(messages) > 1 else None)
            answer = answer_from_tools(
                [(calls.get(r.get("toolUseId"), ToolCall("calculator", {})), r.get("status", "success"), _result_text(r)) for r in results]
            )
        else:
            planned = plan_tool_calls(prompt, {spec["name"] for spec in tool_specs or []})
            if planned:
                async for event in self._use_tools(planned, f"tooluse_offline_{len(messages)}", started, texts, system_prompt, cancel_signal):
                    yield event
                return
            answer = compose_answer(prompt, prompts[:-1])
        every = tokenize(answer)
        max_tokens = self.config.get("max_tokens")
        tokens = every[:max_tokens] if max_tokens is not None and len(every) > max_tokens else every
        fail_at = len(tokens) // 2 if FAIL_MARKER in prompt else None
        first_s = float(self.config.get("first_token_ms") or 0) / 1000
        rate = float(self.config.get("tokens_per_second") or 0)
        interval = 1 / rate if rate > 0 else 0.0

        yield {"messageStart": {"role": "assistant"}}
        yield {"contentBlockStart": {"start": {}}}
        for i, token in enumerate(tokens):
            if i == fail_at:
                raise OfflineModelError("the offline model failed as the prompt asked (fail:model)")
            await _wait_until(started + first_s + i * interval, cancel_signal)
            if cancel_signal is not None and cancel_signal.is_set():
                # Ending without messageStop is how a provider says it aborted: Strands reports the
                # turn as cancelled (strands/event_loop/streaming.py, process_stream).
                return
            yield {"contentBlockDelta": {"delta": {"text": token}}}
        yield {"contentBlockStop": {}}
        yield {"messageStop": {"stopReason": "max_tokens" if len(tokens) < len(every) else "end_turn"}}
        input_tokens = _estimate_input_tokens(texts, system_prompt)
        yield {
            "metadata": {
                "usage": {"inputTokens": input_tokens, "outputTokens": len(tokens), "totalTokens": input_tokens + len(tokens)},
                "metrics": {"latencyMs": round((time.monotonic() - started) * 1000)},
            }
        }


    async def _use_tools(
        self,
        calls: list[ToolCall],
        tool_use_id: str,
        started: float,
        texts: list[str],
        system_prompt: Optional[str],
        cancel_signal: Optional[threading.Event],
    ) -> AsyncIterable[Any]:
        """A model turn that only asks for tools, in the event sequence Bedrock's ConverseStream gives:
        one content block (start with name and id, the input, stop) per call, then stop reason tool_use.
        The first call's id is the one a single call has; the others add `_2`, `_3` …."""
        await _wait_until(started + float(self.config.get("first_token_ms") or 0) / 1000, cancel_signal)
        if cancel_signal is not None and cancel_signal.is_set():
            return
        yield {"messageStart": {"role": "assistant"}}
        input_chars = 0
        for i, call in enumerate(calls):
            given = compact_json(call.input)
            input_chars += len(given)
            use_id = tool_use_id if i == 0 else f"{tool_use_id}_{i + 1}"
            yield {"contentBlockStart": {"start": {"toolUse": {"name": call.name, "toolUseId": use_id}}}}
            yield {"contentBlockDelta": {"delta": {"toolUse": {"input": given}}}}
            yield {"contentBlockStop": {}}
        yield {"messageStop": {"stopReason": "tool_use"}}
        input_tokens = _estimate_input_tokens(texts, system_prompt)
        output_tokens = math.ceil(input_chars / 4)
        yield {
            "metadata": {
                "usage": {"inputTokens": input_tokens, "outputTokens": output_tokens, "totalTokens": input_tokens + output_tokens},
                "metrics": {"latencyMs": round((time.monotonic() - started) * 1000)},
            }
        }


def _tool_results(message: Any) -> list[dict[str, Any]]:
    if not message or message.get("role") != "user":
        return []
    return [block["toolResult"] for block in message.get("content", []) if isinstance(block, dict) and "toolResult" in block]


def _tool_calls(message: Any) -> dict[str, ToolCall]:
    calls: dict[str, ToolCall] = {}
    for block in (message or {}).get("content", []):
        use = block.get("toolUse") if isinstance(block, dict) else None
        if use:
            calls[use["toolUseId"]] = ToolCall(use["name"], use.get("input") or {})
    return calls


def _result_text(result: dict[str, Any]) -> str:
    """A tool result as the answer shows it: the `local` (or `result`) field of a JSON result, or its text."""
    parts = []
    for block in result.get("content", []):
        if "text" in block:
            parts.append(block["text"])
        elif "json" in block:
            value = block["json"].get("local", block["json"].get("result")) if isinstance(block["json"], dict) else None
            parts.append(f"**{value}**" if isinstance(value, str) else compact_json(block["json"]))
    return "\n".join(parts)


async def _wait_until(due: float, cancel_signal: Optional[threading.Event]) -> None:
    while True:
        left = due - time.monotonic()
        if left <= 0 or (cancel_signal is not None and cancel_signal.is_set()):
            return
        await asyncio.sleep(min(left, _CANCEL_POLL_S) if cancel_signal is not None else left)


def _text_of(message: Any) -> str:
    return "".join(block.get("text", "") for block in message.get("content", []) if isinstance(block, dict))


def _estimate_input_tokens(texts: list[str], system_prompt: Optional[str]) -> int:
    """Four characters per token, the usual rough estimate (the offline model has no tokenizer)."""
    chars = sum(len(t) for t in texts) + (len(system_prompt) if isinstance(system_prompt, str) else 0)
    return math.ceil(chars / 4)

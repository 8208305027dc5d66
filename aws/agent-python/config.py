"""The Python agent's configuration, read once from the environment: the same variables and
defaults as the TypeScript agent's aws/agent/config.ts, so either agent runs from the same settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

DEFAULT_SYSTEM_PROMPT = (
    "You are a helpful assistant in a chat web app. Answer in Markdown: short paragraphs, lists where they help, "
    "and fenced code blocks with a language tag for code."
)


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class AgentConfig:
    model_id: Optional[str]
    """Bedrock model id; None selects the offline model."""
    system_prompt: str
    region: Optional[str]
    max_tokens: Optional[int]
    first_token_ms: float
    tokens_per_second: float
    max_sessions: int
    history_messages: int
    max_prompt_chars: int
    host: str
    port: int
    log_level: str


def load_config(env: Mapping[str, str] = os.environ) -> AgentConfig:
    model_id = _text(env, "AGENT_MODEL_ID")
    return AgentConfig(
        # "offline" is an explicit way to say "no AWS model".
        model_id=None if model_id == "offline" else model_id,
        system_prompt=_text(env, "AGENT_SYSTEM_PROMPT") or DEFAULT_SYSTEM_PROMPT,
        region=_text(env, "AWS_REGION") or _text(env, "AWS_DEFAULT_REGION"),
        max_tokens=None if _text(env, "AGENT_MAX_TOKENS") is None else int(_number(env, "AGENT_MAX_TOKENS", 0, 1, integer=True)),
        first_token_ms=_number(env, "OFFLINE_FIRST_TOKEN_MS", 300, 0, integer=True),
        tokens_per_second=_number(env, "OFFLINE_TOKENS_PER_SECOND", 40, 0),
        max_sessions=int(_number(env, "AGENT_MAX_SESSIONS", 1000, 1, integer=True)),
        history_messages=int(_number(env, "AGENT_HISTORY_MESSAGES", 40, 2, integer=True)),
        # Characters (code points, what len() counts), 16,000 unless set: the limit of every hop
        # (protocol/request.ts DEFAULT_MAX_PROMPT_CHARS; config.python.test.ts checks they agree).
        max_prompt_chars=int(_number(env, "AGENT_MAX_PROMPT_CHARS", 16_000, 1, integer=True)),
        host=_text(env, "AGENT_HOST") or "127.0.0.1",
        port=int(_number(env, "PORT", 8080, 0, integer=True)),
        log_level=(_text(env, "LOG_LEVEL") or "info").lower(),
    )


def _text(env: Mapping[str, str], name: str) -> Optional[str]:
    value = (env.get(name) or "").strip()
    return value or None


def _number(env: Mapping[str, str], name: str, fallback: float, minimum: float, integer: bool = False) -> float:
    raw = _text(env, name)
    if raw is None:
        return fallback
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    # A typo in a pace or a limit should stop the agent at start, not surface as odd behaviour later.
    if not value >= minimum or value == float("inf"):
        raise ConfigError(f'{name} must be a number >= {minimum}, got "{raw}"')
    if integer and not value.is_integer():
        raise ConfigError(f'{name} must be an integer, got "{raw}"')
    return value

"""The Python agent: AWS's BedrockAgentCoreApp (POST /invocations, GET /ping, SSE framing) around a
Strands Agent per session, written the way AgentCore's Python samples write it: an entrypoint that is
an async generator yielding what `agent.stream_async` yields. What the framework makes of those
yields on the wire is what the Lambda's normalizer (aws/lambda/agent-events.ts) reads; streams
recorded from this file are kept in aws/lambda/fixtures/python-bedrock-agentcore/.

Invocation payloads (session id in the X-Amzn-Bedrock-AgentCore-Runtime-Session-Id header):
  {"prompt": "...", "replaces": "..."?, "history": [{"role", "text"}]?}
                      -> text/event-stream, one `data: <json>` frame per Strands event; `replaces`
                         (edit, regenerate, retry) names the prompt of the last exchange this one
                         takes the place of, dropped from the history first (replace_exchange.py);
                         `history` is the conversation so far as the edge keeps it, which seeds a
                         fresh session (seed_history.py)
  {"type": "cancel"}  -> one frame {"cancelled": true|false}: the session's running turn is cancelled
                         (Agent.cancel(); the Lambda's /cancel sends this, aws/lambda/cancel.ts)
A caller that goes away (StopRuntimeSession, a dropped connection) cancels the turn too; see
CancelOnDisconnect for why the framework alone does not.

Run: `python agent.py` (AGENT_HOST, PORT as for the TypeScript agent; PORT=0 picks a free port). It
prints one JSON line {"event":"agent_ready","url":...} when it accepts requests.

Locally only (aws/local/python/agent.ts sets AGENT_LOCAL_CONTROL=stdin): the AgentCore emulator's
StopRuntimeSession ends a session's microVM by writing {"forget": "<session id>"} to stdin; the agent
drops that session (as the microVM's end would) and prints {"event":"session_forgotten",...}. See
follow_local_control.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
import threading
from collections import OrderedDict
from importlib.metadata import version
from typing import Any, AsyncGenerator, Callable, Optional

import uvicorn
from bedrock_agentcore.runtime import BedrockAgentCoreApp
from strands import Agent
from strands.agent.conversation_manager import SlidingWindowConversationManager
from starlette.middleware import Middleware
from strands.models import Model

from config import AgentConfig, ConfigError, load_config
from offline_model import OfflineModel
from replace_exchange import drop_last_exchange
from seed_history import parse_history, seed_history
from tools import create_tools

PACKAGES = ("bedrock-agentcore", "strands-agents", "boto3", "starlette", "uvicorn")


def package_versions() -> dict[str, str]:
    return {name: version(name) for name in PACKAGES}


def create_model(config: AgentConfig) -> Model:
    if config.model_id is None:
        return OfflineModel(first_token_ms=config.first_token_ms, tokens_per_second=config.tokens_per_second, max_tokens=config.max_tokens)
    from strands.models import BedrockModel

    extra = {"max_tokens": config.max_tokens} if config.max_tokens is not None else {}
    return BedrockModel(model_id=config.model_id, region_name=config.region, streaming=True, **extra)


class Conversations:
    """A Strands Agent per session (it keeps the history), least recently used forgotten first.

    In AWS every session has a microVM of its own; locally one process serves every session, so the
    agents are kept apart here."""

    def __init__(self, config: AgentConfig, model: Model, app: BedrockAgentCoreApp) -> None:
        self._config = config
        self._model = model
        self._app = app
        self._agents: OrderedDict[str, Agent] = OrderedDict()
        self._running: set[str] = set()

    def agent_for(self, session_id: str) -> Agent:
        agent = self._agents.pop(session_id, None) or Agent(
            model=self._model,
            system_prompt=self._config.system_prompt,
            conversation_manager=SlidingWindowConversationManager(window_size=self._config.history_messages),
            tools=create_tools(),
            callback_handler=None,
        )
        self._agents[session_id] = agent
        while len(self._agents) > self._config.max_sessions:
            oldest = next(sid for sid in self._agents if sid not in self._running) if len(self._running) < len(self._agents) else None
            if oldest is None:
                break
            del self._agents[oldest]
        return agent

    def forget(self, session_id: str) -> bool:
        """Drops the session as the end of its microVM would (its running turn is cancelled); the next
        invocation with that id starts fresh. False when there was no such session."""
        agent = self._agents.pop(session_id, None)
        if agent is None:
            return False
        if session_id in self._running:
            agent.cancel()
        return True

    def running(self, session_id: str) -> bool:
        return session_id in self._running

    def cancel(self, session_id: str) -> bool:
        """Cancels the session's running turn; False when nothing was running. Only a running turn is
        cancelled: a cancel signal set between turns would cancel the next one."""
        agent = self._agents.get(session_id)
        if agent is None or session_id not in self._running:
            return False
        agent.cancel()
        return True

    async def stream(
        self, session_id: str, prompt: str, replaces: Optional[str] = None, history: Optional[list[dict[str, str]]] = None
    ) -> AsyncGenerator[Any, None]:
        agent = self.agent_for(session_id)
        # Not under a running turn: Strands refuses the new one then (ConcurrencyException), and the
        # history it is writing must not change first.
        if session_id not in self._running:
            # A fresh session (this process never had it, or forgot it) starts from the edge's history.
            seed_history(agent.messages, history)
            if replaces is not None:
                drop_last_exchange(agent.messages, replaces)
        self._running.add(session_id)
        # The framework's task registry drives GET /ping: HealthyBusy while any turn runs, so AgentCore
        # does not end a busy session as idle (and tests can watch a turn end from outside).
        task_id = self._app.add_async_task("turn", {"sessionId": session_id})
        finished = False
        try:
            async for event in agent.stream_async(prompt):
                yield event
            finished = True
        finally:
            if not finished:
                # The caller went away (task cancelled, generator closed): stop the model too.
                agent.cancel()
            self._running.discard(session_id)
            self._app.complete_async_task(task_id)


class CancelOnDisconnect:
    """ASGI middleware: an invocation whose response did not finish (its caller went away) cancels
    its session's turn.

    Why: bedrock-agentcore 1.25.0 runs an async-generator entrypoint on a worker loop and hands
    Starlette a sync generator over a 100-item queue (BedrockAgentCoreApp._async_gen_to_sync_gen).
    When the caller disconnects, Starlette stops reading but never closes that sync generator, so the
    producer is only cancelled when the garbage collector happens to collect it. Until then the
    Strands loop runs on, the queue fills, the producer parks, and the session's Agent stays locked:
    its next prompt fails with ConcurrencyException (seen while recording the fixtures in
    aws/lambda/fixtures/python-bedrock-agentcore/). Agent.cancel() is thread-safe and lets Strands end
    the turn at its next chunk, which also drains the generator.
    """

    def __init__(self, app: Any, conversations: Callable[[], Conversations]) -> None:
        self.app = app
        self.conversations = conversations

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/invocations":
            await self.app(scope, receive, send)
            return
        session_id = dict(scope["headers"]).get(SESSION_HEADER, b"").decode("latin-1")
        finished = False

        async def tracking_send(message: Any) -> None:
            nonlocal finished
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                finished = True

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            if not finished and session_id:
                self.conversations().cancel(session_id)


SESSION_HEADER = b"x-amzn-bedrock-agentcore-runtime-session-id"


def create_app(config: AgentConfig, model: Optional[Model] = None) -> tuple[BedrockAgentCoreApp, Conversations]:
    # The middleware needs the conversations and the conversations need the app (for /ping): the app
    # first, the middleware reads `conversations` when the first request comes.
    holder: dict[str, Conversations] = {}
    app = BedrockAgentCoreApp(middleware=[Middleware(CancelOnDisconnect, conversations=lambda: holder["c"])])
    conversations = holder["c"] = Conversations(config, model or create_model(config), app)

    @app.entrypoint
    async def invoke(payload: Any, context: Any) -> AsyncGenerator[Any, None]:
        session_id = context.session_id
        if not session_id:
            raise ValueError("the X-Amzn-Bedrock-AgentCore-Runtime-Session-Id header is missing")
        if isinstance(payload, dict) and payload.get("type") == "cancel":
            yield {"cancelled": conversations.cancel(session_id)}
            return
        prompt = payload.get("prompt") if isinstance(payload, dict) else None
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValueError("the payload needs a non-blank string `prompt`")
        if len(prompt) > config.max_prompt_chars:
            raise ValueError(f"the prompt is longer than {config.max_prompt_chars} characters")
        replaces = payload.get("replaces")
        if replaces is not None and not isinstance(replaces, str):
            raise ValueError("`replaces` must be the string prompt of the exchange the new one replaces")
        history = parse_history(payload.get("history"))
        async for event in conversations.stream(session_id, prompt, replaces, history):
            yield event

    return app, conversations


# LOG_LEVEL as the TypeScript agent reads it (pino's names) → the framework logger's level.
LOG_LEVELS = {"trace": logging.DEBUG, "debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR, "fatal": logging.CRITICAL, "silent": logging.CRITICAL + 10}


def follow_local_control(loop: asyncio.AbstractEventLoop, conversations: Conversations) -> None:
    """The local emulation's side channel (stdin, one JSON object a line): {"forget": session id} is
    what StopRuntimeSession does to a session in AWS, where every session has a microVM of its own and
    the stop ends it. Here one process serves every session, so the AgentCore emulator says which one
    goes (aws/local/agentcore/server.ts, forgetSession). Never on in the container: nothing sets
    AGENT_LOCAL_CONTROL there, and its stdin is not a pipe."""

    def forget(session_id: str) -> None:
        forgotten = conversations.forget(session_id)
        print(json.dumps({"event": "session_forgotten", "sessionId": session_id, "had": forgotten}), flush=True)

    def read() -> None:
        for line in sys.stdin:
            try:
                command = json.loads(line)
            except ValueError:
                continue
            session_id = command.get("forget") if isinstance(command, dict) else None
            if isinstance(session_id, str):
                loop.call_soon_threadsafe(forget, session_id)

    threading.Thread(target=read, name="local-control", daemon=True).start()


async def serve(config: AgentConfig) -> None:
    app, conversations = create_app(config)
    if os.environ.get("AGENT_LOCAL_CONTROL") == "stdin":
        follow_local_control(asyncio.get_running_loop(), conversations)
    # BedrockAgentCoreApp sets its logger to INFO when it is created: the level is applied after.
    logging.getLogger("bedrock_agentcore.app").setLevel(LOG_LEVELS.get(config.log_level, logging.INFO))
    # A socket of our own rather than app.run(): with PORT=0 the caller learns the port from the ready line.
    sock = socket.socket(socket.AF_INET6 if ":" in config.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((config.host, config.port))
    # The same server settings as BedrockAgentCoreApp.run().
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not serving.done():
        await asyncio.sleep(0.01)
    if server.started:
        port = sock.getsockname()[1]
        host = f"[{config.host}]" if ":" in config.host else config.host
        ready = {"event": "agent_ready", "url": f"http://{host}:{port}", "model": config.model_id or "offline", "runtime": "python", "versions": package_versions()}
        print(json.dumps(ready), flush=True)
    await serving


def main() -> None:
    try:
        config = load_config()
    except ConfigError as error:
        print(f"agent failed to start: {error}", file=sys.stderr)
        sys.exit(1)
    asyncio.run(serve(config))


if __name__ == "__main__":
    main()

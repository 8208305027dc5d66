"""AWS's Python SDK as a client of the local AgentCore emulator (./server.ts): boto3's
`bedrock-agentcore` client, pointed at the emulator with local credentials, the way a Python caller
would use AgentCore. Driven by boto3.python.test.ts; every result is one JSON line on stdout.

  boto3_client.py invoke <endpoint> <arn> <session> <payload-json> [--qualifier Q] [--stop-after-bytes N]
  boto3_client.py stop   <endpoint> <arn> <session> [--qualifier Q]

`invoke` prints {"headers": ...} once the response arrives, {"chunk": text} per chunk read from the
streaming body, then {"end": "complete"} or {"end": "error", ...}. With --stop-after-bytes it calls
stop_runtime_session on the same client once that many bytes arrived and prints {"stop": ...}; with
--close-after-bytes it closes the response body there instead (a caller that goes away).
Errors print {"error": {"code", "message", "status"}} and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError


def emit(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def client(endpoint: str) -> Any:
    # Credentials come from the environment (fake local keys); the region is the emulator's.
    return boto3.client(
        "bedrock-agentcore",
        region_name="us-east-1",
        endpoint_url=endpoint,
        config=Config(retries={"max_attempts": 1}, read_timeout=30),
    )


def error_of(err: Exception) -> dict[str, Any]:
    if isinstance(err, ClientError):
        return {
            "code": err.response.get("Error", {}).get("Code"),
            "message": err.response.get("Error", {}).get("Message"),
            "status": err.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
            "requestId": err.response.get("ResponseMetadata", {}).get("RequestId"),
        }
    return {"code": type(err).__name__, "message": str(err), "status": None}


def stop(c: Any, args: argparse.Namespace) -> dict[str, Any]:
    out = c.stop_runtime_session(agentRuntimeArn=args.arn, runtimeSessionId=args.session, qualifier=args.qualifier)
    return {"runtimeSessionId": out.get("runtimeSessionId"), "statusCode": out.get("statusCode")}


def invoke(c: Any, args: argparse.Namespace) -> None:
    out = c.invoke_agent_runtime(
        agentRuntimeArn=args.arn,
        qualifier=args.qualifier,
        runtimeSessionId=args.session,
        contentType="application/json",
        accept="text/event-stream",
        payload=args.payload.encode("utf-8"),
    )
    meta = out.get("ResponseMetadata", {})
    emit({"headers": {"runtimeSessionId": out.get("runtimeSessionId"), "contentType": out.get("contentType"), "statusCode": out.get("statusCode"), "requestId": meta.get("RequestId")}})
    received = 0
    stopped = False
    body = out["response"]
    try:
        # Raw bytes as they come; decoding waits for whole UTF-8 sequences across chunks.
        decoder = __import__("codecs").getincrementaldecoder("utf-8")()
        for chunk in body.iter_chunks(chunk_size=1024):
            received += len(chunk)
            text = decoder.decode(chunk)
            if text:
                emit({"chunk": text})
            if args.close_after_bytes is not None and received >= args.close_after_bytes:
                emit({"end": "closed", "bytes": received})
                # The process exits next, so the connection goes whatever close() makes of a half-read body.
                with contextlib.suppress(Exception):
                    body.close()
                return
            if args.stop_after_bytes is not None and received >= args.stop_after_bytes and not stopped:
                stopped = True
                emit({"stop": stop(c, args)})
        emit({"end": "complete", "bytes": received})
    except (BotoCoreError, OSError, ValueError) as err:
        emit({"end": "error", "bytes": received, "type": type(err).__name__})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("op", choices=["invoke", "stop"])
    parser.add_argument("endpoint")
    parser.add_argument("arn")
    parser.add_argument("session")
    parser.add_argument("payload", nargs="?", default="{}")
    parser.add_argument("--qualifier", default="DEFAULT")
    parser.add_argument("--stop-after-bytes", type=int, default=None)
    parser.add_argument("--close-after-bytes", type=int, default=None)
    args = parser.parse_args()
    c = client(args.endpoint)
    try:
        if args.op == "stop":
            emit({"stop": stop(c, args)})
        else:
            invoke(c, args)
    except (ClientError, BotoCoreError) as err:
        emit({"error": error_of(err)})
        sys.exit(2)


if __name__ == "__main__":
    main()

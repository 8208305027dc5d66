"""AWS's Python SDK as a client of the local Lambda API emulator (./server.ts): boto3's `lambda` client,
pointed at the emulator with local credentials, as a Python caller of a streaming function would use
Lambda. Driven by boto3.python.test.ts; every result is one JSON line on stdout. Run in the Python
agent's venv (boto3 is in aws/agent-python/requirements.txt).

  boto3_lambda_client.py stream <endpoint> <function> <payload-json> [--cancel <function> <session> --cancel-after-bytes N]
  boto3_lambda_client.py invoke <endpoint> <function> <payload-json>

`stream` calls invoke_with_response_stream and prints {"headers": ...} once the response arrives,
{"chunk": text} per PayloadChunk event as boto3's EventStream decodes it, then {"complete": {...}} for
InvokeComplete. With --cancel it calls `invoke` on the cancel function with {"action":"cancel",
"sessionId"} once that many payload bytes arrived and prints {"cancel": ...}, reading on to the end.
`invoke` (RequestResponse) prints {"invoke": {"statusCode", "functionError", "payload"}}.
Errors print {"error": {"code", "message", "status"}} and exit 2.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError


def emit(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def client(endpoint: str) -> Any:
    # Credentials come from the environment (the local keys the emulator knows); the region is the emulator's.
    return boto3.client("lambda", region_name="us-east-1", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}, read_timeout=60))


def invoke(c: Any, function: str, payload: str) -> dict[str, Any]:
    out = c.invoke(FunctionName=function, InvocationType="RequestResponse", Payload=payload.encode("utf-8"))
    return {"statusCode": out.get("StatusCode"), "functionError": out.get("FunctionError"), "payload": json.loads(out["Payload"].read() or b"null")}


def stream(c: Any, args: argparse.Namespace) -> None:
    out = c.invoke_with_response_stream(FunctionName=args.function, Payload=args.payload.encode("utf-8"))
    emit({"headers": {"statusCode": out.get("StatusCode"), "executedVersion": out.get("ExecutedVersion"), "requestId": out.get("ResponseMetadata", {}).get("RequestId")}})
    received = 0
    cancelled = False
    # A PayloadChunk may end inside a UTF-8 sequence: decoding waits for the rest.
    decoder = codecs.getincrementaldecoder("utf-8")()
    for event in out["EventStream"]:
        if "PayloadChunk" in event:
            data = event["PayloadChunk"]["Payload"]
            received += len(data)
            emit({"chunk": decoder.decode(data)})
            if args.cancel and not cancelled and received >= args.cancel_after_bytes:
                cancelled = True
                emit({"cancel": invoke(c, args.cancel[0], json.dumps({"action": "cancel", "sessionId": args.cancel[1]}))})
        elif "InvokeComplete" in event:
            done = event["InvokeComplete"]
            emit({"complete": {"errorCode": done.get("ErrorCode"), "errorDetails": done.get("ErrorDetails")}, "bytes": received})
        else:
            emit({"unknown": sorted(event)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("op", choices=["stream", "invoke"])
    parser.add_argument("endpoint")
    parser.add_argument("function")
    parser.add_argument("payload")
    parser.add_argument("--cancel", nargs=2, metavar=("FUNCTION", "SESSION"))
    parser.add_argument("--cancel-after-bytes", type=int, default=1)
    args = parser.parse_args()
    c = client(args.endpoint)
    try:
        if args.op == "invoke":
            emit({"invoke": invoke(c, args.function, args.payload)})
        else:
            stream(c, args)
    except ClientError as err:
        emit(
            {
                "error": {
                    "code": err.response.get("Error", {}).get("Code"),
                    "message": err.response.get("Error", {}).get("Message"),
                    "status": err.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                }
            }
        )
        sys.exit(2)
    except BotoCoreError as err:
        emit({"error": {"code": type(err).__name__, "message": str(err), "status": None}})
        sys.exit(2)


if __name__ == "__main__":
    main()

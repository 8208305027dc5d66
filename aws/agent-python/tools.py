"""The agent's tools, the Python twins of aws/agent/tools.ts: current_time, calculator and
convert_units, with the same names and input fields (so the same prompts take the same path through
the agent loop). Each returns a JSON result, or an error result whose text says what went wrong.

The libraries are the ones made for the job in Python: zoneinfo (+ tzdata) for time zones, pint for
units, simpleeval for arithmetic from untrusted input (no attribute access, no imports, bounded
powers). Number formats follow the TypeScript tools' (12 significant digits, 8 for conversions).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any, Callable, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pint
from simpleeval import SimpleEval
from strands.tools.tools import PythonAgentTool

_units = pint.UnitRegistry()
_FUNCTIONS = {name: getattr(math, name) for name in ("sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "log", "log10", "log2", "exp", "floor", "ceil")}
_FUNCTIONS.update({"abs": abs, "round": round, "min": min, "max": max})
_NAMES = {"pi": math.pi, "e": math.e, "tau": math.tau}


def time_in(time_zone: str, now: Optional[datetime] = None) -> dict[str, str]:
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'unknown time zone "{time_zone}" (use an IANA name such as Asia/Tokyo or Europe/London)') from None
    instant = now or datetime.now(timezone.utc)
    local = instant.astimezone(zone)
    return {
        "timeZone": time_zone,
        "iso": instant.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "local": f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M:%S} {local.tzname()}",
    }


def evaluate_expression(expression: str) -> str:
    if len(expression) > 500:
        raise ValueError("the expression is longer than 500 characters")
    value = SimpleEval(functions=_FUNCTIONS, names=_NAMES).eval(expression.replace("^", "**"))
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError("the expression has no numeric value")
    return f"{value:.12g}"


def convert_units(value: float, from_unit: str, to_unit: str) -> str:
    try:
        quantity = _units.Quantity(value, from_unit).to(to_unit)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError) as error:
        raise ValueError(f"cannot convert {from_unit} to {to_unit}: {error}") from None
    return f"{quantity.magnitude:.8g} {to_unit}"


def _json_tool(name: str, description: str, properties: dict[str, Any], run: Callable[[dict[str, Any]], dict[str, Any]]) -> PythonAgentTool:
    spec = {
        "name": name,
        "description": description,
        "inputSchema": {"json": {"type": "object", "properties": properties, "required": list(properties)}},
    }

    def call(tool_use: Any, **_: Any) -> dict[str, Any]:
        try:
            return {"toolUseId": tool_use["toolUseId"], "status": "success", "content": [{"json": run(tool_use["input"])}]}
        except Exception as error:  # the model gets the reason and may try again
            return {"toolUseId": tool_use["toolUseId"], "status": "error", "content": [{"text": str(error) or type(error).__name__}]}

    return PythonAgentTool(name, spec, call)


def create_tools(now: Optional[Callable[[], datetime]] = None) -> list[PythonAgentTool]:
    return [
        _json_tool(
            "current_time",
            "Tells the current date and time in a time zone. Use it whenever the answer depends on the current time.",
            {"timeZone": {"type": "string", "description": "An IANA time zone, e.g. Asia/Tokyo, Europe/London, UTC"}},
            lambda i: time_in(str(i["timeZone"]), now() if now else None),
        ),
        _json_tool(
            "calculator",
            'Evaluates an arithmetic expression exactly, e.g. "(12.5 * 4) / 3", "sqrt(2) ^ 3". Use it for any arithmetic.',
            {"expression": {"type": "string", "description": "The expression"}},
            lambda i: {"expression": i["expression"], "result": evaluate_expression(str(i["expression"]))},
        ),
        _json_tool(
            "convert_units",
            "Converts a value between units, e.g. 5 km to mile, 72 degF to degC, 3 lb to kg, 1 GiB to MB.",
            {
                "value": {"type": "number"},
                "from": {"type": "string", "description": "The unit of the value, e.g. km, degF, lb"},
                "to": {"type": "string", "description": "The unit to convert to, e.g. mile, degC, kg"},
            },
            lambda i: {"value": i["value"], "from": i["from"], "to": i["to"], "result": convert_units(float(i["value"]), str(i["from"]), str(i["to"]))},
        ),
    ]

"""Strict request checking against the official discovery document (sheets.v4.json, shipped with
google-api-python-client): unknown fields, wrong JSON types, bad enum values and unknown query
parameters are answered 400 INVALID_ARGUMENT with the message shapes Google uses."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from .errors import ApiError

# Proto field that holds the HTTP body, used as the error path prefix ("data.values" in Google's errors).
BODY_FIELD = {
    "spreadsheets.create": "spreadsheet",
    "spreadsheets.values.update": "data",
    "spreadsheets.values.append": "data",
}
GLOBAL_PARAMS = {
    "$.xgafv",
    "access_token",
    "alt",
    "callback",
    "fields",
    "key",
    "oauth_token",
    "prettyPrint",
    "quotaUser",
    "uploadType",
    "upload_protocol",
}


@functools.lru_cache(maxsize=1)
def document() -> dict:
    import googleapiclient

    path = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "sheets.v4.json"
    return json.loads(path.read_text())


@functools.cache
def method(name: str) -> dict:
    node: dict = document()
    parts = name.split(".")
    for part in parts[:-1]:
        node = node["resources"][part]
    return node["methods"][parts[-1]]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _violation(message: str, field: str | None) -> dict:
    v = {"description": message}
    if field:
        v = {"field": field, **v}
    return v


def _error(violations: list[tuple[str, str | None]]) -> ApiError:
    message = "\n".join(m for m, _ in violations)
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [_violation(m, f) for m, f in violations],
        }
    ]
    return ApiError(400, message, details=details)


def check_query(method_name: str, params: dict[str, list[str]]) -> None:
    spec = method(method_name).get("parameters", {})
    problems: list[tuple[str, str | None]] = []
    for name, values in params.items():
        if name in GLOBAL_PARAMS:
            continue
        if name not in spec or spec[name].get("location") == "path":
            problems.append(
                (
                    f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
                    f"Field '{name}' could not be found in request message.",
                    None,
                )
            )
            continue
        p = spec[name]
        for value in values:
            if "enum" in p and value not in p["enum"]:
                problems.append((f"Invalid value at '{snake(name)}' (TYPE_ENUM), \"{value}\"", snake(name)))
            elif p.get("type") == "boolean" and value.lower() not in ("true", "false", "1", "0"):
                problems.append((f"Invalid value at '{snake(name)}' (TYPE_BOOL), \"{value}\"", snake(name)))
        if not p.get("repeated") and len(values) > 1:
            problems.append((f"Invalid value at '{snake(name)}': repeated values for a singular field", None))
    if problems:
        raise _error(problems)


def check_body(method_name: str, body: Any) -> None:
    ref = method(method_name).get("request", {}).get("$ref")
    if ref is None:
        return
    prefix = BODY_FIELD.get(method_name, "")
    problems: list[tuple[str, str | None]] = []
    _check({"$ref": ref}, body, prefix, problems)
    if problems:
        raise _error(problems)


def _at(path: str) -> str:
    return f" at '{path}'" if path else ""


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _type_name(schema: dict, path: str) -> str:
    if "$ref" in schema:
        return f"type.googleapis.com/google.apps.sheets.v4.{schema['$ref']}"
    if "enum" in schema:
        leaf = path.rsplit(".", 1)[-1].split("[")[0]
        return "type.googleapis.com/google.apps.sheets.v4." + "".join(p.title() for p in leaf.split("_"))
    if schema.get("type") == "array":
        return "type.googleapis.com/google.protobuf.ListValue"
    return {
        "integer": "TYPE_INT32",
        "number": "TYPE_DOUBLE",
        "boolean": "TYPE_BOOL",
        "string": "TYPE_STRING",
    }.get(schema.get("type", ""), "TYPE_MESSAGE")


def _bad_value(schema: dict, value: Any, path: str, problems: list) -> None:
    shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, (dict, list)) else ""
    problems.append((f"Invalid value at '{path}' ({_type_name(schema, path)}), {shown}".rstrip(", "), path))


def _check(schema: dict, value: Any, path: str, problems: list) -> None:
    if value is None:
        return  # JSON null means "unset" for proto3 fields
    if "$ref" in schema:
        schema = document()["schemas"][schema["$ref"]]
        if not isinstance(value, dict):
            if isinstance(value, list):
                problems.append(
                    (
                        f'Invalid JSON payload received. Unknown name "{path.rsplit(".", 1)[-1]}"'
                        f"{_at(path.rsplit('.', 1)[0] if '.' in path else '')}: Proto field is not "
                        "repeating, cannot start list.",
                        path,
                    )
                )
            else:
                _bad_value({"$ref": schema.get("id", "")}, value, path, problems)
            return
        props = schema.get("properties", {})
        for key, sub in value.items():
            if key not in props:
                problems.append(
                    (
                        f'Invalid JSON payload received. Unknown name "{key}"{_at(path)}: Cannot find field.',
                        path or None,
                    )
                )
                continue
            _check(props[key], sub, _join(path, snake(key)), problems)
        return
    kind = schema.get("type")
    if kind == "any":
        return
    if kind == "array":
        if not isinstance(value, list):
            _bad_value(schema, value, path, problems)
            return
        for i, item in enumerate(value):
            _check(schema.get("items", {}), item, f"{path}[{i}]", problems)
        return
    if kind == "object":
        if not isinstance(value, dict):
            _bad_value(schema, value, path, problems)
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            _bad_value(schema, value, path, problems)
        return
    if kind == "integer":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and re.fullmatch(r"-?\d+", value)
        )
        if isinstance(value, float) and value.is_integer():
            ok = True
        if not ok or not -(2**31) <= int(value) < 2**31:
            _bad_value(schema, value, path, problems)
        return
    if kind == "number":
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, str))
            or (isinstance(value, str) and not _is_float(value))
        ):
            _bad_value(schema, value, path, problems)
        return
    if kind == "string":
        if not isinstance(value, str):
            numeric = isinstance(value, int) and not isinstance(value, bool)
            if "enum" in schema and numeric and 0 <= value < len(schema["enum"]):
                return
            _bad_value(schema, value, path, problems)
            return
        if "enum" in schema and value not in schema["enum"]:
            _bad_value(schema, value, path, problems)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True

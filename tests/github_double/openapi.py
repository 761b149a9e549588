"""GitHub's per-operation OpenAPI fragments (shared/schemas/github/*.json) as JSON Schema
validators, and schema-driven synthesis of responses that conform to them."""

import copy
import json
import os
import re

import jsonschema

# OpenAPI 3.0 keywords that JSON Schema draft 4 does not know (nullable is translated).
_DROPPED = {"nullable", "example", "examples", "readOnly", "writeOnly", "discriminator", "xml",
            "externalDocs", "deprecated"}
_SCHEMA_MAPS = {"properties", "patternProperties", "definitions"}
_SCHEMA_VALUES = {"items", "additionalProperties", "not"}
_SCHEMA_LISTS = {"allOf", "anyOf", "oneOf"}

_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def to_json_schema(schema):
    """OpenAPI 3.0 schema object -> JSON Schema draft 4 (nullable becomes a null type)."""
    if isinstance(schema, list):
        return [to_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in _DROPPED:
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in _SCHEMA_VALUES or key in _SCHEMA_LISTS:
            out[key] = to_json_schema(value)
        else:
            out[key] = value
    if schema.get("nullable"):
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            out["type"] = kind + ["null"]
        elif kind is None:
            out = {"anyOf": [out, {"type": "null"}]}
        if "enum" in out and None not in out["enum"]:
            out["enum"] = out["enum"] + [None]
    return out


def _format_checker():
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time")
    def _is_date_time(value):  # python3-jsonschema checks date-time only with rfc3339-validator
        return not isinstance(value, str) or bool(_DATE_TIME.match(value))

    return checker


FORMATS = _format_checker()


def errors_of(schema, instance):
    """Every validation error, as 'at path: message' strings."""
    validator = jsonschema.Draft4Validator(schema, format_checker=FORMATS)
    out = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.path) or "(root)"
        out.append(f"at {where}: {error.message[:300]}")
    return out


class Operation:
    """One REST operation: method, path template (as a regex) and its schemas."""

    def __init__(self, raw):
        self.id = raw["operationId"]
        self.method = raw["method"].upper()
        self.template = raw["path"]
        pattern = re.escape(self.template)
        for name in re.findall(r"\{(\w+)\}", self.template):
            # A content path spans folders; every other parameter is one segment.
            group = ".+" if name == "path" else "[^/]+"
            pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>{group})")
        self.regex = re.compile("^" + pattern + "$")
        self.raw_request = raw.get("requestBody")
        self.request = to_json_schema(self.raw_request) if self.raw_request else None
        self.raw_responses = raw.get("responses", {})
        self.responses = {int(code): to_json_schema(s) for code, s in self.raw_responses.items()}

    def success_status(self):
        return min(self.responses) if self.responses else 200


def load_operations(directory):
    ops = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                ops.append(Operation(json.load(f)))
    return ops


def not_null(raw):
    """The schema without its `nullable` (to synthesise a value where null would be allowed)."""
    raw = dict(raw)
    raw.pop("nullable", None)
    return raw


def _valid(raw_schema, value):
    return not errors_of(to_json_schema(raw_schema), value)


_SAMPLE_STRINGS = {"date-time": "2024-05-01T12:00:00Z", "uri": "https://github.example/x",
                   "email": "octocat@github.example"}


def synthesize(raw):
    """A small instance of an OpenAPI schema: required properties only, GitHub's own examples
    where they validate, nulls where allowed."""
    if not isinstance(raw, dict):
        return None
    for key in ("example", "default"):
        if key in raw and _valid(raw, raw[key]):
            return copy.deepcopy(raw[key])
    if raw.get("nullable"):
        return None
    if "enum" in raw and raw["enum"]:
        return raw["enum"][0]
    if "allOf" in raw:
        merged = {}
        for part in raw["allOf"]:
            value = synthesize(part)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for key in ("oneOf", "anyOf"):
        if key in raw and raw[key]:
            return synthesize(raw[key][0])
    kind = raw.get("type")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "object" or "properties" in raw:
        props = raw.get("properties", {})
        return {name: synthesize(props.get(name, {})) for name in raw.get("required", [])}
    if kind == "array":
        return []
    if kind == "string":
        return _SAMPLE_STRINGS.get(raw.get("format"), "x" * max(1, raw.get("minLength", 1)))
    if kind == "integer":
        return max(1, raw.get("minimum", 1))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    return None

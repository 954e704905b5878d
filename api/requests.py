"""Parsing request bodies and paths into typed objects (400 for bad JSON, 422 for fields)."""
from __future__ import annotations

import json
import re
import unicodedata

from flask import request
from pydantic import BaseModel

from .errors import ApiError
from .schemas import _user_id


MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


class TooDeep(ValueError):
    pass


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, in one linear pass."""
    depth = deepest = 0
    for ch in _BRACKETS.findall(_JSON_STRING.sub(b"", raw)):
        depth += 1 if ch in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def loads_bounded(raw: bytes):
    """json.loads, refusing nesting deeper than MAX_JSON_DEPTH (TooDeep) before the
    parser recurses into it."""
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and json_depth(raw) > MAX_JSON_DEPTH:
        raise TooDeep(f"JSON nests deeper than {MAX_JSON_DEPTH} levels")
    return json.loads(raw)


def parse_json(model: type[BaseModel]):
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send JSON with Content-Type: application/json.")
    raw = request.get_data(cache=True)
    try:
        body = loads_bounded(raw)
    except TooDeep as e:
        raise ApiError(400, "too_deep", "The request body nests too deeply.",
                       {"max_depth": MAX_JSON_DEPTH, "reason": str(e)})
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise ApiError(400, "bad_json", "The request body is not valid JSON.", {"reason": str(e)[:200]})
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_fields", "The request body must be a JSON object.",
                       {"fields": [{"field": "body", "message": "must be an object"}]})
    return model.model_validate(body)


def parse_query(model: type[BaseModel]):
    return model.model_validate(request.args.to_dict())


def path_user_id(value: str) -> str:
    try:
        return _user_id(unicodedata.normalize("NFC", value))
    except ValueError as e:
        raise ApiError(422, "invalid_fields", "user_id is invalid.",
                       {"fields": [{"field": "user_id", "message": str(e)}]})

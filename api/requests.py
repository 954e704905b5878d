"""Parsing request bodies and paths into typed objects (400 for bad JSON, 422 for fields)."""
from __future__ import annotations

import json
import unicodedata

from flask import request
from pydantic import BaseModel

from .errors import ApiError
from .schemas import _user_id


def parse_json(model: type[BaseModel]):
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send JSON with Content-Type: application/json.")
    raw = request.get_data(cache=True)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
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

"""One error envelope for every failure: {"error": {"code", "message", "details"}}."""
from __future__ import annotations

import logging

import redis
from flask import jsonify
from kombu.exceptions import OperationalError as BrokerError
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError as DbError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or {}
        self.headers = headers or {}


def envelope(status: int, code: str, message: str, details=None, headers=None):
    resp = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    resp.status_code = status
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def validation_details(err: ValidationError) -> dict:
    fields = []
    for e in err.errors(include_url=False, include_input=False):
        fields.append({"field": ".".join(str(p) for p in e["loc"]) or "body",
                       "message": e["msg"], "type": e["type"]})
    return {"fields": fields}


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
               415: "unsupported_media_type"}


def init_app(app) -> None:
    @app.errorhandler(ApiError)
    def _api_error(e: ApiError):
        return envelope(e.status, e.code, e.message, e.details, e.headers)

    @app.errorhandler(ValidationError)
    def _invalid(e: ValidationError):
        return envelope(422, "invalid_fields", "Some fields are missing or invalid.",
                        validation_details(e))

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        message = {413: "Request body is larger than 256 KiB."}.get(e.code, e.description)
        return envelope(e.code or 500, _HTTP_CODES.get(e.code, "http_error"), message)

    @app.errorhandler(DbError)
    def _db_down(e):
        log.error("postgres unavailable: %s", type(e).__name__)
        return envelope(503, "dependency_unavailable", "PostgreSQL is unavailable.",
                        {"dependency": "postgres"}, {"Retry-After": "5"})

    @app.errorhandler(redis.exceptions.ConnectionError)
    @app.errorhandler(redis.exceptions.TimeoutError)
    def _redis_down(e):
        log.error("redis unavailable: %s", type(e).__name__)
        return envelope(503, "dependency_unavailable", "Redis is unavailable.",
                        {"dependency": "redis"}, {"Retry-After": "5"})

    @app.errorhandler(BrokerError)
    def _broker_down(e):
        return envelope(503, "dependency_unavailable", "The task broker is unavailable.",
                        {"dependency": "broker"}, {"Retry-After": "5"})

    @app.errorhandler(Exception)
    def _unexpected(e):
        log.exception("unhandled error")
        return envelope(500, "internal_error", "Something went wrong on our side.")

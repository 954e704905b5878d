"""Request and response schemas: validation happens once, here, at the edge."""
from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from pika_mem.facts.model import CATEGORIES


def _storable(value: str) -> str:
    """Text Postgres can store: no NUL, no lone surrogate (JSON allows both)."""
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (\\u0000)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must not contain unpaired surrogates") from None
    return value


def _user_id(value: str) -> str:
    value = unicodedata.normalize("NFC", value)
    if not 1 <= len(value) <= 128:
        raise ValueError("must be 1-128 characters")
    if not value.isprintable() or value != value.strip():
        raise ValueError("must be printable characters without leading/trailing spaces")
    if "/" in value:
        # Path routes (/v1/users/{id}/…) could never list or forget such a child.
        raise ValueError("must not contain '/'")
    return value


def map_strings(fn, value: Any) -> Any:
    """A JSON value with fn applied to every string in it, keys too."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {fn(k): map_strings(fn, v) for k, v in value.items()}
    if isinstance(value, list):
        return [map_strings(fn, v) for v in value]
    return value


def _storable_json(value: Any) -> Any:
    """Every string (keys too) of a JSON value passes _storable."""
    return map_strings(_storable, value)


UserId = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_user_id)]
Text = Annotated[str, AfterValidator(_storable)]
Category = Literal[CATEGORIES]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Message(Strict):
    role: Literal["user", "assistant", "system"]
    content: Text = Field(min_length=1, max_length=4000)


class ExtractRequest(Strict):
    user_id: UserId
    session_id: Optional[Text] = Field(default=None, min_length=1, max_length=128)
    messages: list[Message] = Field(min_length=1, max_length=100)
    metadata: Optional[Annotated[dict[str, Any], AfterValidator(_storable_json)]] = None


class FactIn(Strict):
    text: Text = Field(min_length=1, max_length=1000)
    category: Optional[Category] = None
    object: Optional[Text] = Field(default=None, min_length=1, max_length=500)
    polarity: Optional[Literal["+", "-"]] = None
    importance: Optional[int] = Field(default=None, ge=1, le=5)
    lang: Optional[Literal["vi", "en"]] = None


class FactsRequest(Strict):
    user_id: UserId
    facts: list[FactIn] = Field(min_length=1, max_length=100)


class SearchRequest(Strict):
    user_id: UserId
    query: Text = Field(min_length=1, max_length=1000)
    limit: int = Field(default=10, ge=1, le=50)
    categories: Optional[list[Category]] = Field(default=None, min_length=1)


class ListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    include: Optional[Literal["history"]] = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: Optional[str] = Field(default=None, max_length=200, pattern=r"^[A-Za-z0-9_-]+$",
                                  description="next_cursor of the previous page (opaque)")


class FavoritesQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    categories: Optional[str] = Field(default=None, max_length=400,
                                      description="comma-separated categories, e.g. pet,food")

    @field_validator("categories")
    @classmethod
    def _known(cls, value):
        if value is None:
            return value
        unknown = [c for c in value.split(",") if c.strip() not in CATEGORIES]
        if unknown:
            raise ValueError(f"unknown categories: {', '.join(unknown)}")
        return value

    def category_list(self) -> list[str]:
        return [c.strip() for c in self.categories.split(",")] if self.categories else []


class JobAccepted(BaseModel):
    job_id: str
    status: str
    status_url: str


class JobCounts(BaseModel):
    messages: int
    facts_extracted: int
    facts_new: int
    facts_superseded: int
    facts_embedded: int


class JobStatus(BaseModel):
    job_id: str
    user_id: str
    kind: str
    status: Literal["queued", "extracting", "embedding", "finishing", "completed", "failed"]
    counts: JobCounts
    timings_ms: dict[str, Optional[float]]
    error: Optional[str]
    created_at: str
    updated_at: str


class FactOut(BaseModel):
    id: str
    user_id: str
    text: str
    lang: str
    category: str
    predicate: str
    object: str
    polarity: str
    importance: int
    valid_from: str
    valid_to: Optional[str]
    superseded_by: Optional[str]
    source_job: Optional[str]
    created_at: str
    expires_at: Optional[str]


class FactsPage(BaseModel):
    user_id: str
    memories: list[FactOut]
    next_cursor: Optional[str]


class SearchHit(BaseModel):
    id: str
    text: str
    category: str
    object: str
    polarity: str
    score: float
    created_at: str


class SearchResponse(BaseModel):
    results: list[SearchHit]
    layer: str
    took_ms: float


class FavoritesResponse(BaseModel):
    user_id: str
    summary: dict[str, list[dict[str, Any]]]
    dislikes: dict[str, list[dict[str, Any]]]
    profile: dict[str, list[dict[str, Any]]]
    version: int
    last_updated: Optional[str]
    layer: str
    took_ms: float


class UserDeleted(BaseModel):
    user_id: str
    deleted: dict[str, int]


class Deleted(BaseModel):
    id: str
    deleted: bool


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any]


class ErrorEnvelope(BaseModel):
    error: ErrorBody

"""mem0 vector-store adapter over Qdrant Edge (`qdrant-edge-py==0.9.0`, in-process).

The shard lives in `<base_path>/<collection>` (base_path is `<data_dir>/qdrant-edge`).
One process opens it: we take an exclusive, non-blocking `flock` on
`<base_path>/<collection>.lock` *before* touching the shard, so a second opener
(another process, or a second adapter in this one) gets `StoreLockedError` and the
holder is left intact (a refused second Edge open can break the holder's flush()).

On create: keyword payload indexes on user_id (is_tenant), tenant_id and category.
Never calls `optimize()`; `flush()` on close. Threads may share one instance.
"""
from __future__ import annotations

import logging
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, Field

from mem0.vector_stores.base import VectorStoreBase
from qdrant_edge import (
    CountRequest,
    Distance,
    EdgeConfig,
    EdgeShard,
    EdgeVectorParams,
    KeywordIndexParams,
    Point,
    PointVectors,
    Query,
    QueryRequest,
    ScrollRequest,
    UpdateOperation,
)

from pika_mem.index.vectorstores import INDEXED_FIELDS
from pika_mem.index.vectorstores.edge_support import build_filter, DirLock

log = logging.getLogger(__name__)


class EdgeStoreConfig(BaseModel):
    """Config for provider "pika_edge" (validated here, not by mem0's hard-coded table)."""

    collection_name: str = Field("pika_memories")
    embedding_model_dims: int = Field(384)
    path: str = Field(..., description="base directory; the shard is <path>/<collection_name>")


@dataclass
class OutputData:
    """What mem0 reads from a store: .id (str), .score (cosine similarity), .payload."""

    id: str
    score: Optional[float] = None
    payload: dict = field(default_factory=dict)


def _pid(point_id: Any) -> str:
    return str(point_id)


def _out(p, with_score: bool = True) -> OutputData:
    return OutputData(
        id=_pid(p.id),
        score=float(p.score) if with_score and getattr(p, "score", None) is not None else None,
        payload=dict(p.payload or {}),
    )


# ---------------------------------------------------------------------- store
class EdgeVectorStore(VectorStoreBase):
    def __init__(self, collection_name: str = "pika_memories", embedding_model_dims: int = 384,
                 path: str = "", **_ignored):
        if not path:
            raise ValueError("EdgeVectorStore needs a base path (<data_dir>/qdrant-edge)")
        self.collection_name = collection_name
        self.embedding_model_dims = int(embedding_model_dims)
        self.base_path = Path(path)
        self.shard_path = self.base_path / collection_name
        self._lock = DirLock(self.base_path / f"{collection_name}.lock")
        self._state_lock = threading.RLock()
        self._shard: Optional[EdgeShard] = None
        self._lock.acquire()
        try:
            self._open()
        except BaseException:
            self._lock.release()
            raise

    # -------------------------------------------------------------- lifecycle
    def _edge_config(self) -> EdgeConfig:
        return EdgeConfig(vectors=EdgeVectorParams(size=self.embedding_model_dims, distance=Distance.Cosine))

    def _open(self) -> None:
        if (self.shard_path / "edge_config.json").exists() or (self.shard_path / "segments").exists():
            self._shard = EdgeShard.load(str(self.shard_path))
            existing = set(self._shard.info().payload_schema.keys())
            missing = [f for f in INDEXED_FIELDS if f not in existing]
            if missing:  # a shard from an older layout: add what is missing once
                self._create_indexes(missing)
            log.info("qdrant-edge shard loaded: %s", self.shard_path)
        else:
            self.create_col(self.collection_name, self.embedding_model_dims, "cosine")

    def _create_indexes(self, names=INDEXED_FIELDS) -> None:
        for name in names:
            params = KeywordIndexParams(is_tenant=True) if name == "user_id" else KeywordIndexParams()
            self._shard.update(UpdateOperation.create_field_index(name, params))

    @property
    def shard(self) -> EdgeShard:
        shard = self._shard
        if shard is None:
            raise RuntimeError(f"Qdrant Edge store {self.shard_path} is closed")
        return shard

    def create_col(self, name=None, vector_size=None, distance=None):
        """Create the shard (with its payload indexes) if it does not exist yet."""
        with self._state_lock:
            if self._shard is not None:
                return
            if vector_size:
                self.embedding_model_dims = int(vector_size)
            self.shard_path.parent.mkdir(parents=True, exist_ok=True)
            self._shard = EdgeShard.create(str(self.shard_path), self._edge_config())
            self._create_indexes()
            self._shard.flush()
            log.info("qdrant-edge shard created: %s", self.shard_path)

    def flush(self) -> None:
        with self._state_lock:
            if self._shard is not None:
                self._shard.flush()

    def close(self) -> None:
        """Flush, close the shard and release the lock. Idempotent."""
        with self._state_lock:
            if self._shard is not None:
                try:
                    self._shard.flush()
                finally:
                    try:
                        self._shard.close()
                    finally:
                        self._shard = None
            self._lock.release()

    @property
    def closed(self) -> bool:
        return self._shard is None

    # -------------------------------------------------------------- writes
    def insert(self, vectors, payloads=None, ids=None):
        points = []
        for i, vec in enumerate(vectors):
            pid = ids[i] if ids is not None else str(uuid.uuid4())
            payload = payloads[i] if payloads else {}
            points.append(Point(_pid(pid), [float(x) for x in vec], dict(payload or {})))
        if points:
            self.shard.update(UpdateOperation.upsert_points(points))

    def update(self, vector_id, vector=None, payload=None):
        vid = _pid(vector_id)
        if vector is not None and payload is not None:
            self.shard.update(UpdateOperation.upsert_points([Point(vid, [float(x) for x in vector], dict(payload))]))
            return
        if payload is not None:  # partial update merges, like mem0's Qdrant adapter
            self.shard.update(UpdateOperation.set_payload([vid], dict(payload)))
        if vector is not None:
            self.shard.update(UpdateOperation.update_vectors([PointVectors(vid, [float(x) for x in vector])]))

    def delete(self, vector_id):
        self.shard.update(UpdateOperation.delete_points([_pid(vector_id)]))

    def delete_ids(self, ids) -> None:
        ids = [_pid(i) for i in ids]
        if ids:
            self.shard.update(UpdateOperation.delete_points(ids))

    def delete_by_filter(self, filters: dict) -> int:
        """Delete every point matching `filters`; returns how many matched. Refuses {}."""
        flt = build_filter(filters)
        if flt is None:
            raise ValueError("delete_by_filter needs a non-empty filter (use reset() to wipe)")
        n = self.shard.count(CountRequest(exact=True, filter=flt))
        if n:
            self.shard.update(UpdateOperation.delete_points_by_filter(flt))
        return n

    # -------------------------------------------------------------- reads
    def search(self, query, vectors, top_k=5, filters=None):
        hits = self.shard.query(QueryRequest(
            query=Query.Nearest([float(x) for x in vectors]),
            limit=int(top_k),
            filter=build_filter(filters),
            with_payload=True,
            with_vector=False,
        ))
        return [_out(h) for h in hits]  # Cosine: the score is already a similarity

    def search_batch(self, queries, vectors_list, top_k=1, filters=None):
        return [self.search(q, v, top_k=top_k, filters=filters) for q, v in zip(queries, vectors_list)]

    def keyword_search(self, query, top_k=5, filters=None):
        """No BM25 here (semantic only, as on the server adapter)."""
        return None

    def get(self, vector_id):
        try:
            recs = self.shard.retrieve([_pid(vector_id)], True, False)
        except ValueError:  # not a uuid/int id: cannot exist here
            return None
        return _out(recs[0], with_score=False) if recs else None

    def get_many(self, ids) -> list[OutputData]:
        ids = [_pid(i) for i in ids]
        if not ids:
            return []
        return [_out(r, with_score=False) for r in self.shard.retrieve(ids, True, False)]

    def list(self, filters=None, top_k=None):
        """Scroll; returns `[rows]` (mem0 unwraps one level: see `_vector_store_list_rows`)."""
        limit = int(top_k) if top_k else 100
        flt = build_filter(filters)
        rows: list[OutputData] = []
        offset = None
        while len(rows) < limit:
            recs, offset = self.shard.scroll(ScrollRequest(
                offset=offset, limit=min(limit - len(rows), 1000), filter=flt,
                with_payload=True, with_vector=False,
            ))
            rows.extend(_out(r, with_score=False) for r in recs)
            if offset is None or not recs:
                break
        return [rows]

    def ids(self, filters: dict) -> list[str]:
        """Every point id matching `filters` (paged scroll, payload-free)."""
        flt = build_filter(filters)
        out, offset = [], None
        while True:
            recs, offset = self.shard.scroll(ScrollRequest(
                offset=offset, limit=1000, filter=flt, with_payload=False, with_vector=False))
            out.extend(_pid(r.id) for r in recs)
            if offset is None or not recs:
                return out

    def count(self, filters: Optional[dict] = None) -> int:
        return self.shard.count(CountRequest(exact=True, filter=build_filter(filters)))

    # -------------------------------------------------------------- collections
    def list_cols(self):
        if not self.base_path.exists():
            return []
        return sorted(p.name for p in self.base_path.iterdir()
                      if p.is_dir() and (p / "edge_config.json").exists())

    def col_info(self):
        info = self.shard.info()
        return {
            "name": self.collection_name,
            "path": str(self.shard_path),
            "points_count": info.points_count,
            "segments_count": info.segments_count,
            "indexed_vectors_count": info.indexed_vectors_count,
            "payload_indexes": sorted(info.payload_schema.keys()),
        }

    def delete_col(self):
        """Close and delete this shard's files (the lock stays held)."""
        with self._state_lock:
            if self._shard is not None:
                self._shard.close()
                self._shard = None
            shutil.rmtree(self.shard_path, ignore_errors=True)

    def reset(self):
        with self._state_lock:
            log.warning("resetting qdrant-edge shard %s", self.shard_path)
            self.delete_col()
            self.create_col(self.collection_name, self.embedding_model_dims, "cosine")
        return self

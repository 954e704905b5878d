"""mem0 vector-store adapter for a Qdrant server or cluster (settings.qdrant_url).

A thin subclass of mem0's own `mem0.vector_stores.qdrant.Qdrant` (same points, same
payload as the Edge adapter), always over the network: qdrant-client's local
`path=` mode is refused (it scans every point in Python on a filter and locks its
folder). Adds the payload indexes we filter on (user_id as the tenant key,
tenant_id, category), `delete_by_filter`, `count`, `ids`, `get_many`, `flush` (no-op)
and `close`. BM25 keyword scoring is off, as on Edge, so scores mean the same thing
(cosine similarity) whichever engine answers.
"""
from __future__ import annotations

import logging
from typing import Optional

from pydantic import BaseModel, Field
from qdrant_client import models

from mem0.vector_stores.qdrant import Qdrant

from pika_mem.index.vectorstores import INDEXED_FIELDS

log = logging.getLogger(__name__)


class ServerStoreConfig(BaseModel):
    """Config for provider "pika_qdrant" (url required; api_key optional)."""

    collection_name: str = Field("pika_memories")
    embedding_model_dims: int = Field(384)
    url: str = Field(..., min_length=1)
    api_key: Optional[str] = None


class ServerVectorStore(Qdrant):
    def __init__(self, collection_name: str = "pika_memories", embedding_model_dims: int = 384,
                 url: Optional[str] = None, api_key: Optional[str] = None, client=None,
                 on_disk: bool = False, timeout: int = 10, **_ignored):
        if client is None and not url:
            raise ValueError("ServerVectorStore needs a Qdrant url (QDRANT_URL); local path= mode is not used")
        if client is None:
            from qdrant_client import QdrantClient

            client = QdrantClient(url=url, api_key=api_key or None, timeout=timeout)
        super().__init__(collection_name=collection_name, embedding_model_dims=embedding_model_dims,
                         client=client, on_disk=on_disk)

    # -------------------------------------------------------------- indexes
    def _create_filter_indexes(self):
        existing = {}
        try:
            existing = self.client.get_collection(self.collection_name).payload_schema or {}
        except Exception as exc:  # the collection was just created or the server is odd
            log.debug("payload schema unavailable: %s", exc)
        for name in INDEXED_FIELDS:
            if name in existing:
                continue
            schema = (models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True)
                      if name == "user_id" else models.PayloadSchemaType.KEYWORD)
            try:
                self.client.create_payload_index(self.collection_name, field_name=name,
                                                 field_schema=schema, wait=True)
            except Exception as exc:
                log.warning("could not create payload index %s on %s: %s", name, self.collection_name, exc)

    # -------------------------------------------------------------- no BM25
    def _get_bm25_encoder(self):
        return None  # never download fastembed's Qdrant/bm25 model; semantic scores only

    def keyword_search(self, query, top_k=5, filters=None):
        return None

    # -------------------------------------------------------------- extras
    def delete_by_filter(self, filters: dict) -> int:
        flt = self._create_filter(filters) if filters else None
        if flt is None:
            raise ValueError("delete_by_filter needs a non-empty filter (use reset() to wipe)")
        n = self.client.count(self.collection_name, count_filter=flt, exact=True).count
        if n:
            self.client.delete(self.collection_name, points_selector=models.FilterSelector(filter=flt), wait=True)
        return n

    def delete_ids(self, ids) -> None:
        ids = [str(i) for i in ids]
        if ids:
            self.client.delete(self.collection_name, points_selector=models.PointIdsList(points=ids), wait=True)

    def count(self, filters: Optional[dict] = None) -> int:
        flt = self._create_filter(filters) if filters else None
        return self.client.count(self.collection_name, count_filter=flt, exact=True).count

    def ids(self, filters: dict) -> list[str]:
        flt = self._create_filter(filters) if filters else None
        out, offset = [], None
        while True:
            recs, offset = self.client.scroll(self.collection_name, scroll_filter=flt, limit=1000,
                                              offset=offset, with_payload=False, with_vectors=False)
            out.extend(str(r.id) for r in recs)
            if offset is None or not recs:
                return out

    def get_many(self, ids) -> list:
        ids = [str(i) for i in ids]
        if not ids:
            return []
        return self.client.retrieve(self.collection_name, ids=ids, with_payload=True)

    def flush(self) -> None:
        """The server persists by itself."""

    def close(self) -> None:
        try:
            self.client.close()
        except Exception as exc:
            log.debug("qdrant client close: %s", exc)

"""mem0, adapted: our Memory subclass, its config, and the user-id scoping it needs.

`PikaMemory` keeps mem0's API (add with infer=False, search, delete) with our embedder,
the fact id as the point id, no entity store, and purges of mem0's history.
"""
from __future__ import annotations

import hashlib
import logging
import re
import uuid
from copy import deepcopy
from datetime import datetime, timezone
from typing import Iterable

from pika_mem.config import Settings
from pika_mem.index.vectorstores import EDGE_PROVIDER, SERVER_PROVIDER  # sets MEM0_DIR

from mem0 import Memory
from mem0.configs.base import MemoryConfig
from mem0.embeddings.configs import EmbedderConfig
from mem0.llms.configs import LlmConfig
from mem0.vector_stores.configs import VectorStoreConfig

from pika_mem.index.embedder import DIMS, Embedder

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------- mem0 NLP
def disable_mem0_nlp() -> None:
    """mem0 lemmatises (BM25) and extracts entities with spaCy, downloading
    en_core_web_sm from the network when spaCy is present without it. We use neither
    (no BM25, no entity store, Vietnamese text): mark both loaders as failed so
    `lemmatize_for_bm25` returns the text and `extract_entities` returns [] at once."""
    try:
        from mem0.utils import spacy_models

        spacy_models._load_failed_full = True
        spacy_models._load_failed_lemma = True
    except Exception as exc:  # a future mem0 without that module: nothing to disable
        log.debug("mem0 spaCy loaders not found: %s", exc)


# ---------------------------------------------------------------------- ids
_SCOPE_ESCAPE = re.compile(r"[%\s*]")


def scope_user_id(user_id: str) -> str:
    """The user id as stored in mem0's `user_id` payload.

    mem0 2.2.1 trims user ids and rejects any containing whitespace ("Bé Na"), while
    our API accepts printable NFC ids with spaces. And "*" is a wildcard to mem0 and to
    the vector-store filters: the child "*" must never match every child. Percent-encode
    '%', '*' and whitespace only: ids without them are stored unchanged; the mapping is
    deterministic and reversible, and no scoped id is ever a pattern.
    """
    return _SCOPE_ESCAPE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), user_id)


def scope_filter(tenant: str, user_id: str) -> dict:
    """The filter every read and delete of one tenant's child carries."""
    return {"user_id": scope_user_id(user_id), "tenant_id": tenant}


# ---------------------------------------------------------------------- Memory
class PikaMemory(Memory):
    """mem0's Memory with our embedder, fact ids as point ids, and no entity store."""

    def __init__(self, config: MemoryConfig, embedder: Embedder):
        super().__init__(config)
        self.embedding_model = embedder  # mem0 calls embed(text, action) / embed_batch

    # The same fact (same uuid5) must stay one point: use the fact id, not uuid4.
    def _create_memory(self, data, existing_embeddings, metadata=None):
        metadata = metadata or {}
        fid = metadata.get("fact_id")
        memory_id = str(uuid.UUID(str(fid))) if fid else str(uuid.uuid4())
        if data in existing_embeddings:
            embeddings = existing_embeddings[data]
        else:
            embeddings = self.embedding_model.embed(data, memory_action="add")
        existing = self.vector_store.get(vector_id=memory_id) if fid else None

        now = datetime.now(timezone.utc).isoformat()
        new_metadata = deepcopy(metadata)
        new_metadata["data"] = data
        new_metadata["hash"] = hashlib.md5(data.encode()).hexdigest()
        new_metadata.setdefault("created_at", now)
        changed = existing is None or (existing.payload or {}).get("data") != data
        if existing is None:
            new_metadata["updated_at"] = new_metadata["created_at"]
        elif changed:
            new_metadata["updated_at"] = now
        else:
            new_metadata["updated_at"] = (existing.payload or {}).get("updated_at") or new_metadata["created_at"]
        new_metadata["text_lemmatized"] = data  # no BM25 (see disable_mem0_nlp)

        self.vector_store.insert(vectors=[embeddings], ids=[memory_id], payloads=[new_metadata])
        if changed:  # re-adding an identical fact writes no second history row
            self.db.add_history(
                memory_id,
                None if existing is None else (existing.payload or {}).get("data"),
                data,
                "ADD" if existing is None else "UPDATE",
                created_at=new_metadata.get("created_at"),
                updated_at=new_metadata.get("updated_at"),
                actor_id=new_metadata.get("actor_id"),
                role=new_metadata.get("role"),
            )
        return memory_id

    # No entity store: infer=False never links entities, so boosts would always be
    # empty, and mem0 would open a second vector collection to find that out.
    @property
    def entity_store(self):
        raise RuntimeError("the mem0 entity store is disabled in pika-mem")

    def _compute_entity_boosts(self, query_entities, filters):
        return {}

    def _link_entities_for_memory(self, memory_id, text, filters):
        return None

    # History purge (mem0's history keeps the text of deleted memories).
    def purge_history(self, memory_ids: Iterable[str]) -> int:
        ids = [str(i) for i in memory_ids]
        if not ids or self.db is None:
            return 0
        removed = 0
        with self.db._lock:
            conn = self.db.connection
            try:
                conn.execute("BEGIN")
                for start in range(0, len(ids), 500):
                    chunk = ids[start:start + 500]
                    marks = ",".join("?" * len(chunk))
                    cur = conn.execute(f"DELETE FROM history WHERE memory_id IN ({marks})", chunk)
                    removed += cur.rowcount or 0
                conn.execute("COMMIT")
            except Exception:
                conn.execute("ROLLBACK")
                raise
        return removed

    def purge_messages(self, user_id_scoped: str) -> None:
        """mem0's `messages` table (infer=True context) for this user's session scope."""
        if self.db is None:
            return
        from mem0.memory.main import _build_session_scope

        scope = _build_session_scope({"user_id": user_id_scoped})
        with self.db._lock:
            self.db.connection.execute("DELETE FROM messages WHERE session_scope = ?", (scope,))
            self.db.connection.commit()

    def close(self):
        store = getattr(self, "vector_store", None)
        try:
            if store is not None and hasattr(store, "close"):
                store.close()
        finally:
            super().close()


def build_config(settings: Settings) -> MemoryConfig:
    data_dir = settings.data_dir
    (data_dir / "mem0").mkdir(parents=True, exist_ok=True)
    if settings.qdrant_url:
        from pika_mem.index.vectorstores.server import ServerStoreConfig

        provider = SERVER_PROVIDER
        store_cfg = ServerStoreConfig(collection_name=settings.qdrant_collection, embedding_model_dims=DIMS,
                                      url=settings.qdrant_url, api_key=settings.qdrant_api_key or None)
    else:
        from pika_mem.index.vectorstores.edge import EdgeStoreConfig

        provider = EDGE_PROVIDER
        store_cfg = EdgeStoreConfig(collection_name=settings.qdrant_collection, embedding_model_dims=DIMS,
                                    path=str(data_dir / "qdrant-edge"))
    config = MemoryConfig(
        # Placeholders: mem0 builds both at init; with infer=False and our embedder
        # swapped in, neither is ever called (no network, no key).
        llm=LlmConfig(provider="openai", config={"api_key": "unused", "model": "unused"}),
        embedder=EmbedderConfig(provider="openai", config={"api_key": "unused", "embedding_dims": DIMS}),
        history_db_path=str(data_dir / "mem0" / "history.db"),
    )
    # mem0's VectorStoreConfig validator only accepts providers whose config class lives
    # in mem0.configs.vector_stores.<provider> (a hard-coded table + module import).
    # Ours is validated by its own pydantic class above; build the wrapper without
    # mem0's lookup and assign it (MemoryConfig does not validate on assignment).
    # The factory side is the public VectorStoreFactory.provider_to_class table.
    config.vector_store = VectorStoreConfig.model_construct(provider=provider, config=store_cfg)
    return config



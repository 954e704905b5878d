"""Vector-store adapters for mem0: Qdrant Edge (embedded) and a Qdrant server.

Both implement mem0's `VectorStoreBase` plus `delete_by_filter`, `count`, `flush`
and `close`, and store the same payload. `register_with_mem0()` adds them to mem0's
`VectorStoreFactory` under the provider names "pika_edge" and "pika_qdrant".
"""
from __future__ import annotations

import os

from pika_mem.config import get_settings

# Importing anything from mem0 runs mem0.memory.setup, which creates its home dir and
# writes config.json there: keep that under our data dir rather than $HOME.
os.environ.setdefault("MEM0_DIR", str(get_settings().data_dir / "mem0"))

EDGE_PROVIDER = "pika_edge"
SERVER_PROVIDER = "pika_qdrant"

# Payload fields with a keyword index (user_id is the tenant key of the index).
INDEXED_FIELDS = ("user_id", "tenant_id", "category")


class StoreLockedError(RuntimeError):
    """The embedded store is already open (this or another process holds its lock)."""


def register_with_mem0() -> None:
    """Add our providers to mem0's factory (additive; leaves mem0's own entries alone)."""
    from mem0.utils.factory import VectorStoreFactory

    VectorStoreFactory.provider_to_class.setdefault(
        EDGE_PROVIDER, "pika_mem.index.vectorstores.edge.EdgeVectorStore"
    )
    VectorStoreFactory.provider_to_class.setdefault(
        SERVER_PROVIDER, "pika_mem.index.vectorstores.server.ServerVectorStore"
    )

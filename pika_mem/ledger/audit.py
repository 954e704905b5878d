"""The audit log: who (which key) did what to which target — never the content."""
from __future__ import annotations

from pika_mem.db import get_engine
from pika_mem.ledger.tables import audit_log


def record(tenant: str, api_key_id: str | None, action: str, target: str | None = None,
           conn=None) -> None:
    """Append one entry, inside the caller's transaction when given."""
    stmt = audit_log.insert().values(tenant_id=tenant, api_key_id=api_key_id, action=action,
                                     target=(target or "")[:255])
    if conn is not None:
        conn.execute(stmt)
        return
    with get_engine().begin() as own:
        own.execute(stmt)

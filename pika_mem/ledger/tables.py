"""Tables of the system of record. Alembic migrations under migrations/ create them."""
from sqlalchemy import (
    BigInteger, Column, DateTime, ForeignKey, Index, Integer, MetaData, SmallInteger,
    String, Table, Text, UniqueConstraint, func, text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

metadata = MetaData()

api_keys = Table(
    "api_keys", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("name", String(128), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("scopes", ARRAY(String), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

jobs = Table(
    "jobs", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),  # extract | facts
    Column("status", String(16), nullable=False),
    Column("session_id", String(128)),
    Column("idempotency_key", String(255)),
    Column("request_fingerprint", String(64)),  # binds the key to its request
    Column("request_id", String(64)),
    # Raw input (PII already masked) until processed; cleared on completion.
    Column("payload", JSONB),
    Column("metadata", JSONB),
    Column("fact_ids", JSONB),
    Column("messages_count", Integer, nullable=False, server_default="0"),
    Column("facts_extracted", Integer, nullable=False, server_default="0"),
    Column("facts_new", Integer, nullable=False, server_default="0"),
    Column("facts_superseded", Integer, nullable=False, server_default="0"),
    Column("facts_embedded", Integer, nullable=False, server_default="0"),
    Column("enqueue_attempts", Integer, nullable=False, server_default="0"),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("extracting_at", DateTime(timezone=True)),
    Column("embedding_at", DateTime(timezone=True)),
    Column("finishing_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    UniqueConstraint("tenant_id", "idempotency_key", name="uq_jobs_tenant_idempotency"),
    Index("ix_jobs_status_updated", "status", "updated_at"),
    Index("ix_jobs_tenant_user", "tenant_id", "user_id"),
)

memories = Table(
    "memories", metadata,
    Column("id", UUID(as_uuid=False), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("text", Text, nullable=False),
    Column("lang", String(8), nullable=False),
    Column("category", String(32), nullable=False),
    Column("predicate", String(32), nullable=False),
    Column("object", Text, nullable=False),
    Column("polarity", String(1), nullable=False),
    Column("importance", SmallInteger, nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("valid_to", DateTime(timezone=True)),
    Column("superseded_by", UUID(as_uuid=False)),
    Column("source_job", UUID(as_uuid=False)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True)),
    Index("ix_memories_active", "tenant_id", "user_id", "category",
          postgresql_where=text("valid_to IS NULL")),
    Index("ix_memories_tenant_user_created", "tenant_id", "user_id", "created_at"),
)

user_favorite_summary = Table(
    "user_favorite_summary", metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("summary_json", JSONB, nullable=False),
    Column("version", BigInteger, nullable=False, server_default="0"),
    Column("last_updated", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=False),
    Column("api_key_id", UUID(as_uuid=False), ForeignKey("api_keys.id", ondelete="SET NULL")),
    Column("action", String(64), nullable=False),
    Column("target", String(255)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

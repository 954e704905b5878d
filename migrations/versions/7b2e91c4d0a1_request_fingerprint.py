"""jobs.request_fingerprint: an Idempotency-Key is bound to the request it came with

Revision ID: 7b2e91c4d0a1
Revises: 1d679a3f8595
Create Date: 2026-12-01 19:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "7b2e91c4d0a1"
down_revision: Union[str, Sequence[str], None] = "1d679a3f8595"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # sha256 of (endpoint, user, canonical body); NULL for rows written before this.
    op.add_column("jobs", sa.Column("request_fingerprint", sa.String(length=64)))


def downgrade() -> None:
    op.drop_column("jobs", "request_fingerprint")

"""Alembic environment: the URL comes from pika_mem settings (DATABASE_URL)."""
from alembic import context
from sqlalchemy import create_engine, pool

from pika_mem.config import get_settings
from pika_mem.ledger.tables import metadata

config = context.config


def run_migrations_online() -> None:
    engine = create_engine(get_settings().database_url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=get_settings().database_url, target_metadata=metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

"""Operators' tools: CLI, batch runner, reindex, stats, migrations, retrying failed jobs."""

"""The system of record in Postgres: facts, jobs, audit, the tables."""

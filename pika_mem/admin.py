"""The admin CLI: python -m pika_mem <command>."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import api_keys, schema
from .config import get_settings


def _init_db(_args) -> int:
    created = schema.create_database()
    schema.migrate()
    print(f"database {'created and ' if created else ''}migrated")
    return 0


def _create_key(args) -> int:
    key_id, key = api_keys.create_key(args.tenant, args.name, tuple(args.scopes.split(",")))
    print(json.dumps({"id": key_id, "tenant": args.tenant, "key": key}))
    print("The key is shown once; store it now.", file=sys.stderr)
    return 0


def _revoke_key(args) -> int:
    ok = api_keys.revoke(args.key_id)
    print("revoked" if ok else "no such active key")
    return 0 if ok else 1


def _list_keys(args) -> int:
    for k in api_keys.list_keys(args.tenant):
        print(json.dumps({**k, "created_at": str(k["created_at"]),
                          "revoked_at": str(k["revoked_at"]) if k["revoked_at"] else None,
                          "last_used_at": str(k["last_used_at"]) if k["last_used_at"] else None}))
    return 0


def _dev_key(_args) -> int:
    """Print the development key, creating it once (kept under the data directory)."""
    path = Path(get_settings().pika_data_dir) / "dev-api-key"
    if path.exists():
        key = path.read_text().strip()
        if api_keys.lookup(key):
            print(key)
            return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    _, key = api_keys.create_key(get_settings().pika_default_tenant, "dev (make run)")
    path.write_text(key + "\n")
    path.chmod(0o600)
    print(key)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pika_mem", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("init-db", help="create the database if missing and migrate it").set_defaults(fn=_init_db)
    c = sub.add_parser("create-key", help="create an API key for a tenant (shown once)")
    c.add_argument("--tenant", required=True)
    c.add_argument("--name", default="unnamed")
    c.add_argument("--scopes", default=",".join(api_keys.SCOPES))
    c.set_defaults(fn=_create_key)
    r = sub.add_parser("revoke-key", help="revoke an API key by id")
    r.add_argument("key_id")
    r.set_defaults(fn=_revoke_key)
    ls = sub.add_parser("list-keys", help="list API keys (never the keys themselves)")
    ls.add_argument("--tenant")
    ls.set_defaults(fn=_list_keys)
    sub.add_parser("dev-key", help="print the development key (make run)").set_defaults(fn=_dev_key)
    args = p.parse_args(argv)
    return args.fn(args)

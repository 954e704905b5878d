"""The admin CLI: python -m pika_mem <command>."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pika_mem.access import api_keys
from pika_mem.admin import migrations
from pika_mem.config import get_settings


def _init_db(_args) -> int:
    created = migrations.create_database()
    migrations.migrate()
    print(f"database {'created and ' if created else ''}migrated")
    return 0


def _create_key(args) -> int:
    try:
        key_id, key = api_keys.create_key(args.tenant, args.name, tuple(args.scopes.split(",")))
    except ValueError as exc:  # a tenant id that could forge keys, an unknown scope
        print(f"error: {exc}", file=sys.stderr)
        return 2
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


def _stats(args) -> int:
    from pika_mem.admin import stats
    print(json.dumps(stats.collect(args.tenant), indent=None if args.compact else 1))
    return 0


def _scope(args, p) -> None:
    """--all, --tenant T (every user of T) or --tenant T --user U."""
    if args.user and not args.tenant:
        p.error("--user needs --tenant")
    if not (args.all or args.tenant):
        p.error("say --all, --tenant T, or --tenant T --user U")
    if args.all and args.tenant:
        p.error("--all and --tenant exclude each other")


def _batch(args, command: str, work, **kw) -> int:
    from pika_mem.admin import batch
    try:
        result = batch.run(command, work, tenant=args.tenant, restart=args.restart,
                               limit=args.limit, chunk=args.chunk, progress=not args.quiet, **kw)
    except Exception as exc:  # the checkpoint keeps every user done before this one
        path = batch.checkpoint_path(command, args.tenant)
        print(f"{command} failed: {type(exc).__name__}: {exc}\n"
              f"fix the cause and rerun to continue (checkpoint {path})", file=sys.stderr)
        return 1
    print(batch.describe(result))
    return result.exit_code


def _refresh_favorites(args) -> int:
    from pika_mem.read import favorites
    if args.user:
        record = favorites.refresh_summary(args.tenant, args.user)
        print(json.dumps({"tenant": args.tenant, "user_id": args.user,
                          "version": record["version"], "last_updated": record["last_updated"]}))
        return 0
    return _batch(args, "refresh-favorites", favorites.refresh_summary)


def _reindex(args) -> int:
    from pika_mem.admin import reindex
    try:
        use_graph = reindex.open_stores()
    except reindex.StoreBusy as exc:
        print(f"reindex refused: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        reindex.close_stores()
        s = get_settings()
        print(f"reindex cannot open its stores: {type(exc).__name__}: {exc}\n"
              f"(vectors: {s.qdrant_url or 'embedded Qdrant Edge under ' + s.pika_data_dir}; "
              f"graph: {s.graph_uri if s.graph_enabled else 'disabled'} — "
              "GRAPH_ENABLED=false skips the graph)", file=sys.stderr)
        return 2
    try:
        if args.user:
            print(json.dumps(reindex.reindex_user(args.tenant, args.user, use_graph)))
            return 0
        return _batch(args, "reindex", lambda t, u: reindex.reindex_user(t, u, use_graph),
                      before_save=reindex.flush)
    finally:
        reindex.close_stores()


def _retry_failed(args) -> int:
    from pika_mem.admin import retry_failed
    ids = retry_failed.retry_failed(since=args.since, tenant=args.tenant, dry_run=args.dry_run)
    s = get_settings()
    verb = "would move" if args.dry_run else "moved"
    print(f"{verb} {len(ids)} failed job(s) back to queued"
          + ("" if args.dry_run or not ids else
             f"; the reaper on beat re-enqueues them after {s.reaper_stuck_seconds}s "
             f"(it runs every {s.reaper_interval_seconds}s)"))
    if args.verbose:
        for job_id in ids:
            print(job_id)
    return 0


def _since(value: str):
    from pika_mem.admin import retry_failed
    try:
        return retry_failed.parse_since(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a duration (30m, 2h, 7d) or ISO time: {value!r}")


def _batch_parser(sub, name: str, help_: str, fn):
    b = sub.add_parser(name, help=help_)
    b.add_argument("--all", action="store_true", help="every user with facts")
    b.add_argument("--tenant", help="only this tenant (every user of it, or --user)")
    b.add_argument("--user", help="only this user (with --tenant); no checkpoint")
    b.add_argument("--restart", action="store_true", help="ignore the checkpoint, start over")
    b.add_argument("--limit", type=int, help="stop after this many users (rerun continues)")
    b.add_argument("--chunk", type=int, default=100,
                   help="users per database page and per checkpoint save (default 100)")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    def checked(args) -> int:
        _scope(args, b)
        return fn(args)
    b.set_defaults(fn=checked)
    return b


def build_parser() -> argparse.ArgumentParser:
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
    st = sub.add_parser("stats", help="users, facts, jobs by status, queue lengths (JSON)")
    st.add_argument("--tenant", help="only this tenant's users, facts and jobs")
    st.add_argument("--compact", action="store_true", help="one line of JSON")
    st.set_defaults(fn=_stats)
    _batch_parser(sub, "refresh-favorites",
                  "recompute favourites summaries (resumable, checkpointed)", _refresh_favorites)
    _batch_parser(sub, "reindex", "rebuild vectors and graph from the Postgres ledger "
                  "(resumable; stop worker-memory first unless QDRANT_URL is set)", _reindex)
    rf = sub.add_parser("retry-failed", help="failed jobs back to queued (the reaper re-enqueues them)")
    rf.add_argument("--since", type=_since,
                    help="only jobs that failed since: 30m, 2h, 7d or an ISO time")
    rf.add_argument("--tenant")
    rf.add_argument("--dry-run", action="store_true", help="only count them")
    rf.add_argument("-v", "--verbose", action="store_true", help="print the job ids")
    rf.set_defaults(fn=_retry_failed)
    return p


def commands() -> list[str]:
    """The subcommand names (for docs and checks)."""
    parser = build_parser()
    return [name for action in parser._actions
            if isinstance(action, argparse._SubParsersAction) for name in action.choices]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.fn(args)

"""`export` (registry -> files, to adopt an existing account) and `registry serve`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from validator.commands.context import registry_url, settings_for
from validator.errors import Exit, UserError
from validator.registry.base import RegistryError


def port(text: str) -> int:
    """An argparse type: a TCP port number, 0 to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return int(text)


def add_arguments(commands: Any) -> None:
    from validator.commands.sync import add_registry_arguments

    export = commands.add_parser(
        "export", help="write model import files for what a registry holds"
    )
    add_registry_arguments(export)
    export.add_argument(
        "--out", type=Path, metavar="DIR", help="folder to write (default: models/)"
    )
    export.add_argument("--force", action="store_true", help="overwrite existing files")
    export.add_argument(
        "--only",
        action="append",
        metavar="GLOB",
        help="export only model names matching GLOB (repeatable; e.g. 'vision-*')",
    )
    registry = commands.add_parser("registry", help="the local ModelArts-compatible registry")
    actions = registry.add_subparsers(dest="action", required=True, metavar="ACTION")
    serve = actions.add_parser("serve", help="serve the local registry over the ModelArts API")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=port, default=8080, help="port (0 picks a free one)")
    serve.add_argument(
        "--db", type=Path, help="SQLite file (default: the repository's local registry)"
    )
    serve.add_argument("--token", help="X-Auth-Token clients must send (default: $MODELARTS_TOKEN)")
    serve.add_argument(
        "--project-id", default="local", help="project id in the URL (default local)"
    )
    serve.add_argument(
        "--publish-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="seconds a created model stays `publishing`",
    )
    faults = serve.add_argument_group("fault injection (seeded, for testing clients)")
    faults.add_argument(
        "--seed", type=int, default=0, help="seed of the fault choices, to repeat a run"
    )
    faults.add_argument(
        "--error-rate", type=float, default=0.0, help="share of requests answered 500"
    )
    faults.add_argument(
        "--throttle-rate", type=float, default=0.0, help="share answered 429 with Retry-After"
    )
    faults.add_argument(
        "--drop-rate",
        type=float,
        default=0.0,
        help="share whose connection is dropped (a create is applied first)",
    )
    faults.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    faults.add_argument(
        "--offset-items",
        action="store_true",
        help="read ListModels offset as an item index, not the reference's page index",
    )


def cmd_export(
    registry: str | None,
    project_id: str | None,
    out: Path | None,
    force: bool,
    only: list[str] | None,
) -> int:
    import fnmatch

    from validator.registry.factory import open_registry
    from validator.sync.export import export_files, schema_header, unsafe, write_files

    settings = settings_for()
    url = registry_url(settings, registry)
    folder = out or settings.root / settings.models_dir
    patterns = only or ["*"]
    try:
        backend = open_registry(
            url, project_id or settings.project_id, os.environ, root=settings.root, read_only=True
        )
    except RegistryError as error:  # a wrong URL or missing credentials: configuration
        raise UserError(str(error), Exit.USAGE) from None
    try:
        try:
            models = backend.list(
                match=lambda name: any(fnmatch.fnmatchcase(name, p) for p in patterns)
            )
        finally:
            backend.close()
    except RegistryError as error:
        raise UserError(str(error), Exit.FINDINGS) from None
    skipped = [reason for m in models if (reason := unsafe(m))]
    for reason in skipped:
        print(f"skipped: {reason}", file=sys.stderr)
    files = export_files(models, schema_header(folder))
    existing = sorted(p for p in files if (folder / p).exists())
    if existing and not force:
        shown = ", ".join(existing[:5]) + (" ..." if len(existing) > 5 else "")
        raise UserError(f"{len(existing)} file(s) exist in {folder} ({shown}); use --force")
    try:
        write_files(folder, files)
    except OSError as error:
        raise UserError(
            f"cannot write to {folder}: {error.strerror or error}", Exit.FINDINGS
        ) from None
    written = len(models) - len(skipped)
    print(f"wrote {len(files)} file(s) for {written} model version(s) to {folder}")
    return Exit.FINDINGS if skipped else Exit.OK


def cmd_serve(
    host: str,
    port: int,
    db: Path | None,
    token: str | None,
    project_id: str,
    publish_delay: float,
    seed: int,
    error_rate: float,
    throttle_rate: float,
    drop_rate: float,
    latency: float,
    offset_items: bool = False,
) -> int:
    from validator.server.faults import FaultConfig
    from validator.server.serving import serve

    secret = token or os.environ.get("MODELARTS_TOKEN")
    if not secret:
        raise UserError("registry serve needs a token: --token T or MODELARTS_TOKEN")
    if db is None:
        settings = settings_for()
        url = registry_url(settings, None)
        if not url.startswith("sqlite:///"):
            raise UserError("--db is needed: the configured registry is not a local one")
        db = Path(url.removeprefix("sqlite:///"))
    try:
        faults = FaultConfig(seed, error_rate, throttle_rate, drop_rate, latency=latency)
    except ValueError as error:
        raise UserError(str(error)) from None
    try:
        serve(
            host,
            port,
            db,
            secret,
            project_id=project_id,
            publish_delay=publish_delay,
            faults=faults,
            ak=os.environ.get("MODELARTS_AK"),
            sk=os.environ.get("MODELARTS_SK"),
            offset_items=offset_items,
            out=sys.stdout,
        )
    except OSError as error:
        raise UserError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
    return Exit.OK

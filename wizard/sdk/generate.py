"""Write the trimmed service models from the installed botocore into ``data/``.

    python -m aws_setup_wizard.sdk.generate           # after editing kept.py or upgrading botocore
    python -m aws_setup_wizard.sdk.generate --check   # exit 1 if data/ is not what it would write

A trimmed model is botocore's ``service-2`` model (with its ``sdk-extras`` merged) holding only
the operations :mod:`aws_setup_wizard.sdk.kept` names, every shape they reach, and every error
shape of the service; documentation is dropped (botocore reads it only for docstrings).
Everything else (metadata, protocol settings, member order, endpoint context parameters) is
kept as botocore has it. ``data/index.json`` records the botocore version the models came from:
the loader serves them only to that version.

``data/endpoints.json`` is botocore's endpoint data (1.2 MB) with only the kept services' entries
(see :func:`trim_endpoints`); endpoint rule sets are never trimmed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import botocore
from botocore.loaders import Loader

from aws_setup_wizard.sdk.kept import ALL, KEPT
from aws_setup_wizard.sdk.loader import DATA, ENDPOINTS, INDEX

DOCS = "documentation"


def _without_docs(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != DOCS}


def shape_without_docs(shape: dict[str, Any]) -> dict[str, Any]:
    """A shape without its own documentation nor its members' (member names are untouched:
    only the ``documentation`` key of the shape and of each reference is dropped, never a
    member that happens to be called so)."""
    out = _without_docs(shape)
    if "members" in out:
        out["members"] = {name: _without_docs(ref) for name, ref in out["members"].items()}
    for key in ("member", "key", "value"):
        if key in out:
            out[key] = _without_docs(out[key])
    return out


def operation_without_docs(operation: dict[str, Any]) -> dict[str, Any]:
    """An operation without its documentation nor that of its input, output and errors."""
    out = _without_docs(operation)
    for key in ("input", "output"):
        if key in out:
            out[key] = _without_docs(out[key])
    if "errors" in out:
        out["errors"] = [_without_docs(error) for error in out["errors"]]
    return out


def without_docs(model: dict[str, Any]) -> dict[str, Any]:
    """A ``service-2`` model with every operation and shape, none of its documentation."""
    out = {key: value for key, value in model.items() if key not in {DOCS, "operations", "shapes"}}
    out["operations"] = {
        name: operation_without_docs(op) for name, op in model.get("operations", {}).items()
    }
    out["shapes"] = {name: shape_without_docs(s) for name, s in model.get("shapes", {}).items()}
    return out


def _references(shape: dict[str, Any]) -> Iterator[str]:
    for key in ("member", "key", "value"):
        if key in shape:
            yield shape[key]["shape"]
    for ref in shape.get("members", {}).values():
        yield ref["shape"]


def _reached(shapes: dict[str, Any], roots: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_references(shapes[name]))
    return seen


def trim(model: dict[str, Any], keep: Sequence[str]) -> dict[str, Any]:
    """``model`` with only the operations in ``keep`` (``ALL``: every one), see the docstring."""
    operations = model["operations"]
    wanted = set(operations) if tuple(keep) == ALL else set(keep)
    unknown = sorted(wanted - set(operations))
    if unknown:
        name = model["metadata"].get("endpointPrefix", "?")
        raise SystemExit(
            f"{name} has no operation(s) {', '.join(unknown)} in botocore {botocore.__version__}"
        )
    kept = {name: operation_without_docs(op) for name, op in operations.items() if name in wanted}
    shapes = model["shapes"]
    roots = [
        ref["shape"]
        for op in kept.values()
        for ref in [op.get("input"), op.get("output"), *op.get("errors", [])]
        if ref
    ]
    roots += [name for name, shape in shapes.items() if shape.get("exception")]
    reached = _reached(shapes, roots)
    out = {key: value for key, value in model.items() if key not in {DOCS, "operations", "shapes"}}
    out["operations"] = kept
    out["shapes"] = {
        name: shape_without_docs(shape) for name, shape in shapes.items() if name in reached
    }
    return out


def trim_endpoints(endpoints: dict[str, Any], prefixes: Iterable[str]) -> dict[str, Any]:
    """botocore's ``endpoints.json`` with each partition's ``services`` cut to ``prefixes``.

    Partitions, Regions, defaults and variants stay whole: they are what an endpoint of a
    service not kept is built from, and the loader reads that service from botocore's own file.
    """
    keep = set(prefixes)
    out = dict(endpoints)
    out["partitions"] = [
        {
            **partition,
            "services": {k: v for k, v in partition["services"].items() if k in keep},
        }
        for partition in endpoints["partitions"]
    ]
    return out


def botocore_loader() -> Loader:
    """botocore's loader over its own data only (never the developer's ``~/.aws/models``)."""
    return Loader(extra_search_paths=[Loader.BUILTIN_DATA_PATH], include_default_search_paths=False)


def build() -> dict[str, str]:
    """``file name -> text`` of everything ``data/`` should hold."""
    loader = botocore_loader()
    files: dict[str, str] = {}
    services: dict[str, Any] = {}
    for service, keep in sorted(KEPT.items()):
        version = loader.determine_latest_version(service, "service-2")
        trimmed = trim(loader.load_service_model(service, "service-2", version), keep)
        name = f"{service}.json"
        files[name] = json.dumps(trimmed, separators=(",", ":")) + "\n"
        services[service] = {
            "api_version": version,
            "file": name,
            "operations": sorted(trimmed["operations"]),
        }
    # Endpoint data is keyed by each model's endpoint prefix (s3control's is s3-control).
    prefixes = sorted(
        {
            json.loads(files[entry["file"]])["metadata"]["endpointPrefix"]
            for entry in services.values()
        }
    )
    endpoints = trim_endpoints(loader.load_data("endpoints"), prefixes)
    files[ENDPOINTS] = json.dumps(endpoints, separators=(",", ":")) + "\n"
    index = {
        "botocore": botocore.__version__,
        "generated_by": "python -m aws_setup_wizard.sdk.generate",
        "services": services,
        "endpoints": {"file": ENDPOINTS, "services": prefixes},
    }
    files[INDEX] = json.dumps(index, indent=1) + "\n"
    return files


def differences() -> list[str]:
    """The files of ``data/`` that differ from what :func:`build` makes (or are extra)."""
    wanted = build()
    present = {path.name for path in DATA.glob("*.json")}
    changed = [
        name
        for name, text in wanted.items()
        if not (DATA / name).is_file() or (DATA / name).read_text(encoding="utf-8") != text
    ]
    return sorted(changed + sorted(present - set(wanted)))


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or ``--check``) the trimmed models; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m aws_setup_wizard.sdk.generate")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = differences()
        for name in stale:
            print(f"stale: {DATA / name}")
        return 1 if stale else 0
    DATA.mkdir(exist_ok=True)
    wanted = build()
    for path in DATA.glob("*.json"):
        if path.name not in wanted:
            path.unlink()
    total = 0
    for name, text in wanted.items():
        (DATA / name).write_text(text, encoding="utf-8")
        total += len(text.encode())
    size = f"{total / 1024:.0f} KiB"
    print(f"wrote {len(wanted)} files, {size}, from botocore {botocore.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``python -m costshare extract|add|render``. Errors are one line on stderr."""

from __future__ import annotations

import argparse
import sys

from costshare.errors import CostshareError


def _extract(args: argparse.Namespace) -> int:
    from costshare import pipeline

    result = pipeline.extract_to(args.seeds, args.out, reference_dir=args.reference)
    print(
        f"{result.n_articles} articles -> {result.n_claims} claims, "
        f"{result.n_findings} findings in {args.out}",
        file=sys.stderr,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m costshare",
        description="Host-nation support briefing: extract claims from news articles, "
        "reconcile them with reference records, render the briefing.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="write claims.csv and findings.csv for a seeds folder")
    ex.add_argument("--seeds", required=True, help="folder of articles (+ manifest.csv)")
    ex.add_argument("--out", required=True, help="folder to write claims.csv and findings.csv into")
    ex.add_argument("--reference", default=None, help="reference data folder (default data/reference)")
    ex.set_defaults(func=_extract)
    from costshare import add

    add.add_parser(sub)
    try:
        from costshare import render
    except ImportError:  # the render command arrives with the briefing
        render = None
    if render is not None:
        render.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CostshareError as exc:
        print(f"costshare: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("costshare: interrupted; nothing was published", file=sys.stderr)
        return 130

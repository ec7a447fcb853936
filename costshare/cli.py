"""Command line: ``python -m costshare extract|add|render``. Errors are one line on stderr."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import warnings

from costshare.errors import CostshareError, RenderDeadline
from costshare.textnorm import shown


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


def _warning_line(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"costshare: warning: {shown(message)}", file=sys.stderr)


@contextlib.contextmanager
def _one_line_warnings():
    """A warning (a skipped file in seeds/) is one line on stderr, like an error."""
    old = warnings.showwarning
    warnings.showwarning = _warning_line
    try:
        yield
    finally:
        warnings.showwarning = old


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _one_line_warnings():
            return args.func(args)
    except CostshareError as exc:
        # file names and values can hold control or bidi characters: shown escaped, on one line
        print(f"costshare: error: {shown(exc)}", file=sys.stderr)
        return exc.exit_code
    except RenderDeadline as exc:
        print(f"costshare: error: {shown(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        signum = exc.args[0] if exc.args and isinstance(exc.args[0], int) else signal.SIGINT
        print("costshare: interrupted; nothing was published", file=sys.stderr)
        return 128 + signum  # the shell's convention: 130 after Ctrl-C, 143 after SIGTERM

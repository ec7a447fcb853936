"""The one place that knows where things are. Notebooks import from here, so papermill can run
them from any working directory; nothing else in the project builds paths from ``..``."""

from __future__ import annotations

import os
from pathlib import Path

#: The project folder (the clone). ``COSTSHARE_ROOT`` overrides it, e.g. for an installed package.
ROOT = Path(os.environ.get("COSTSHARE_ROOT", Path(__file__).resolve().parent.parent))

SEEDS_DIR = ROOT / "seeds"
REFERENCE_DIR = ROOT / "data" / "reference"
NOTEBOOKS_DIR = ROOT / "notebooks"
#: Where charts are saved. A render points this at its own run folder (COSTSHARE_FIGURES_DIR), so
#: two renders never write each other's charts; the default is the committed figures/.
FIGURES_DIR = Path(os.environ.get("COSTSHARE_FIGURES_DIR", ROOT / "figures"))
REPORTS_DIR = ROOT / "reports"
PARAMS_DIR = ROOT / "params"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

MANIFEST_NAME = "manifest.csv"


def relative(path: Path | str) -> str:
    """A path as written in committed outputs: relative to the project when inside it, so no
    output carries the absolute location of a clone."""
    p = Path(path).resolve()
    try:
        return p.relative_to(ROOT.resolve()).as_posix()
    except ValueError:
        return p.name if p.is_file() else p.as_posix()

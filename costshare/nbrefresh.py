"""Re-execute committed notebooks in place so their outputs are the nbval baseline.

Runs with the notebooks folder as working directory (as JupyterLab does), records no timings and
keeps no run-specific metadata, so a refresh of unchanged inputs changes nothing in git.
Usage: ``python -m costshare.nbrefresh notebooks/*.ipynb`` (``make notebooks``).
"""

from __future__ import annotations

import sys
from pathlib import Path

VOLATILE_METADATA = ("papermill", "execution", "widgets")


def refresh(path: Path, timeout: int = 600) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for key in VOLATILE_METADATA:
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in VOLATILE_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    for name in argv:
        print(f"refreshing {name}", file=sys.stderr)
        refresh(Path(name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

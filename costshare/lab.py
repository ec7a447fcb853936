"""Start JupyterLab on the notebooks with the project's environment (``make lab``).

The test of the lab starts it through :func:`command` too, so what is tested is what users run.
Listens on 127.0.0.1 only; ``--allow-root`` is added when running as root (JupyterLab refuses
otherwise). The token is random unless given (``COSTSHARE_LAB_TOKEN``).
"""

from __future__ import annotations

import os
import secrets
import sys

from costshare import paths


def command(port: int = 8888, token: str | None = None, open_browser: bool = False) -> list[str]:
    argv = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={paths.NOTEBOOKS_DIR}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token if token is not None else secrets.token_hex(16)}",
        # offline: no announcements or update checks from the lab itself
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if not open_browser:
        argv.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")
    return argv


def main() -> int:
    token = os.environ.get("COSTSHARE_LAB_TOKEN") or secrets.token_hex(16)
    port = int(os.environ.get("COSTSHARE_LAB_PORT", "8888"))
    print(f"JupyterLab on http://127.0.0.1:{port}/lab?token={token}", file=sys.stderr)
    os.execv(sys.executable, command(port, token))
    return 0


if __name__ == "__main__":
    sys.exit(main())

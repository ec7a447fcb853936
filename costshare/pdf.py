"""The PDF: Debian's headless Chromium prints the briefing's HTML.

The page size comes from the briefing's CSS (``@page { size: A4 }``), Chromium's own header and
footer (date, file path) are switched off, and each print gets a fresh, throw-away profile, so
nothing from an earlier run or another user leaks in. Playwright's bundled browser is not used (it
is not installed here and would be downloaded); the briefing needs nothing but ``chromium``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from costshare.errors import RenderError

#: Flags for a headless print that works as root in a container and talks to no server.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
)
TIMEOUT = 180


def chromium() -> str:
    """The chromium executable, or a one-line error saying how to install it."""
    exe = shutil.which("chromium")
    if exe is None:
        raise RenderError(
            "chromium not found: the PDF is printed by Debian's chromium; run `make sysdeps` "
            "(or render with --formats html)"
        )
    return exe


def version() -> str:
    """'Chromium 156.0.8078.79 ...' or '' when it cannot be asked."""
    try:
        out = subprocess.run([chromium(), "--version"], capture_output=True, text=True, timeout=30)
    except (RenderError, OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""


def _env(workdir: Path | None) -> dict | None:
    if workdir is None:
        return None
    import os

    return {**os.environ, "TMPDIR": str(workdir)}  # chromium's own temporary files too


def print_pdf(html: Path, pdf: Path, timeout: float = TIMEOUT, workdir: Path | None = None) -> None:
    """Print ``html`` (a local file) to ``pdf``; a RenderError with one line when it fails.
    The throw-away profile is made in ``workdir`` (a render's temporary-state folder, which the
    next run removes even if this process is killed)."""
    exe = chromium()
    html, pdf = Path(html).resolve(), Path(pdf).resolve()
    if not html.is_file():
        raise RenderError(f"{html.name}: no such HTML file to print")
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="costshare-chromium-", dir=workdir) as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
               "--no-pdf-header-footer", html.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL, env=_env(workdir))
        except subprocess.TimeoutExpired:
            raise RenderError(f"chromium did not print {html.name} within {timeout:.0f} s") from None
        except OSError as exc:
            raise RenderError(f"chromium could not start: {exc}") from None
    if not pdf.is_file() or pdf.stat().st_size == 0 or pdf.read_bytes()[:5] != b"%PDF-":
        lines = [ln for ln in (proc.stderr or "").splitlines() if ln.strip()]
        detail = lines[-1].strip() if lines else f"exit code {proc.returncode}"
        raise RenderError(f"chromium did not write the PDF of {html.name}: {detail}")

"""Where a render's files live and how a run becomes the published report: the lock, the checks
of reports/ made before any work, the one folder of a run's temporary state, the atomic publish,
and the keeping of failed runs.

Publishing is one step as far as a reader can tell: either the new run is reports/NAME and
reports/latest points to it (exit 0), or both are as they were before the render started.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from costshare import paths
from costshare.errors import InputError, RenderBusyError

FAILED = ".failed"
LATEST = "latest"
#: Failed runs kept per name in reports/.failed/ (the newest ones); older ones are removed when
#: a new failure is kept, so a render failing every night does not fill the disk.
FAILED_KEPT = 5


class ReportsError(InputError):
    """reports/ cannot take a render: not writable, or ``latest`` is not a link. Exit code 2."""


# --------------------------------------------------------------------------- checks before any work


def check_reports(reports: Path, name: str) -> None:
    """Refuse, before any work, what would only fail at publish time: a ``reports/latest`` that
    is a file or a folder (publishing would replace the run, then fail to point at it), or a
    ``reports/NAME`` that is not a folder."""
    latest = reports / LATEST
    if os.path.lexists(latest) and not latest.is_symlink():
        kind = "a folder" if latest.is_dir() else "a file"
        raise ReportsError(f"{paths.relative(reports)}/{LATEST} is {kind}, not a link to the newest run; move it "
                           "away (a render re-creates it), nothing was done")
    folder = reports / name
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ReportsError(f"{paths.relative(reports)}/{name} is not a folder; move it away, nothing was done")


def make_reports(reports: Path) -> None:
    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportsError(f"{paths.relative(reports)}: cannot create the reports folder "
                           f"({exc.strerror}); fix its permissions or render elsewhere") from None


# --------------------------------------------------------------------------- lock


class Lock:
    """``flock`` on reports/.lock-<name>: held for the whole render, released by the kernel if
    the process dies, so a crash never leaves a stale lock."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def acquire(self, name: str) -> None:
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a read-only or foreign reports/: the first write is the lock
            raise ReportsError(f"{paths.relative(self.path.parent)}: cannot write the lock "
                               f"{self.path.name} ({exc.strerror}); make reports/ writable, nothing was done") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(self.fd)
            self.fd = None
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise RenderBusyError(
                    f"another render of {name!r} is running (lock {paths.relative(self.path)}); "
                    "nothing was done"
                ) from None
            raise

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


# --------------------------------------------------------------------------- a run's temporary state


def workdir(reports: Path, name: str) -> Path:
    """The one folder for everything a run of NAME keeps outside its report while it runs: kernel
    connection files (they hold the kernel's key) and sockets, the kernels' and chromium's
    temporary files, chromium's profile. Under the lock, the folder a killed run left is removed
    first. It lives in the system's temporary folder, as AF_UNIX socket paths must stay short;
    its name carries a hash of the reports folder, so two clones never share one."""
    tag = hashlib.sha256(os.fsencode(reports.resolve())).hexdigest()[:8]
    folder = Path(tempfile.gettempdir()) / f"costshare-{tag}-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700)
    return folder


# --------------------------------------------------------------------------- publishing

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if not supported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def publish(tmp: Path, folder: Path, reports: Path) -> None:
    """tmp becomes reports/<name> and reports/latest points to it, or, if any step fails, both
    are put back as they were and the error is raised (tmp then holds the new run again)."""
    check_reports(reports, folder.name)  # again: something may have changed during the render
    latest = reports / LATEST
    link = reports / f".latest~{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(folder.name, link)  # made first: the one step after the swap is a rename
    swapped = replaced = False
    try:
        if folder.exists():
            if not _exchange(tmp, folder):  # no renameat2: two renames, undone in reverse on failure
                old = folder.with_name(folder.name + ".old~" + tmp.name.rsplit("~", 1)[-1])
                os.rename(folder, old)
                try:
                    os.rename(tmp, folder)
                except OSError:
                    os.rename(old, folder)
                    raise
                os.rename(old, tmp)  # the previous run now at the temporary path, as after a swap
            replaced = True
        else:
            os.rename(tmp, folder)
        swapped = True
        os.replace(link, latest)
    except BaseException:
        link.unlink(missing_ok=True)
        if swapped:
            if replaced:
                _exchange(tmp, folder) or _swap_by_renames(tmp, folder)
            else:
                os.rename(folder, tmp)
        raise
    if replaced:
        shutil.rmtree(tmp, ignore_errors=True)  # the previous run


def _swap_by_renames(a: Path, b: Path) -> bool:
    middle = a.with_name(a.name + ".swap")
    os.rename(a, middle)
    os.rename(b, a)
    os.rename(middle, b)
    return True


# --------------------------------------------------------------------------- failed runs


def _failed_folder(reports: Path, name: str) -> Path:
    root = reports / FAILED
    root.mkdir(exist_ok=True)
    n = max((n for n, _ in _failed_runs(root, name)), default=0) + 1
    return root / f"{name}-{n}"


def _failed_runs(root: Path, name: str) -> list[tuple[int, Path]]:
    pattern = re.compile(rf"^{re.escape(name)}-(\d+)$")
    return sorted((int(m.group(1)), p) for p in root.iterdir() if (m := pattern.match(p.name)))


def keep_failed(tmp: Path, reports: Path, name: str, reason: str, detail: str = "") -> Path | str:
    """Move a failed run to reports/.failed/NAME-N/ with its reason, keeping the newest
    FAILED_KEPT of that name. Returns the folder, or, when it cannot be kept (a full disk, a
    read-only reports/), why not: the run's files are then removed, never left half-kept."""
    try:
        dest = _failed_folder(reports, name)
        (tmp / "reason.txt").write_text(reason + "\n" + (("\n" + detail.rstrip() + "\n") if detail else ""),
                                        encoding="utf-8")
        os.rename(tmp, dest)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        return f"the failed run could not be kept ({exc.strerror or type(exc).__name__})"
    for _, old in _failed_runs(reports / FAILED, name)[:-FAILED_KEPT]:
        shutil.rmtree(old, ignore_errors=True)
    return dest


def make_readable(folder: Path) -> None:
    """mkdtemp and mkstemp create owner-only entries; a published report is as readable as any
    file the user creates (the umask decides)."""
    mask = os.umask(0)
    os.umask(mask)
    for p in [folder, *folder.rglob("*")]:
        if not p.is_symlink():
            os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~mask)

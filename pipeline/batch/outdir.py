"""One run at a time on an OUT folder (`lock_out`), and the errors about OUT itself.

Apart from `store` (which needs pyarrow) so that the command line and the batch run can
name them, and take the lock, without loading pyarrow first.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".keyproj.lock"


class OutputBusy(Exception):
    """Another keyproj run holds the lock on OUT."""


class OutputError(Exception):
    """OUT cannot be written (a file, read-only, full disk …): one line, `<what> (<path>)`."""


def describe_os_error(exc: OSError, fallback: Path) -> str:
    """`<what> (<path>)` for an error writing OUT, in words a person can act on."""
    return f"cannot write the tables: {os_error_reason(exc)} ({exc.filename or fallback})"


def os_error_reason(exc: OSError) -> str:
    """Why writing failed, in words a person can act on (disk full, permission denied …)."""
    code = exc.errno
    if code is None and "No space left" in str(exc):    # pyarrow's IO errors carry no errno
        code = errno.ENOSPC
    if code is None and "File too large" in str(exc):
        code = errno.EFBIG
    return {
        errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded",
        errno.EFBIG: "a file over the size limit (ulimit -f, or the file system's largest file)",
        errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
        errno.EPERM: "permission denied", errno.ENOTDIR: "the output folder is a file, not a folder",
        errno.EEXIST: "the output folder is a file, not a folder",
    }.get(code or 0) or (exc.strerror or str(exc).splitlines()[0])


@contextmanager
def lock_out(out: Path) -> Iterator[None]:
    """Hold the exclusive lock on OUT (`OUT/.keyproj.lock`, fcntl.flock) for the block.

    A second run on the same OUT gets OutputBusy at once instead of waiting: two runs would
    write the same tables. The lock is released when this process ends however it ends
    (even SIGKILL), so a killed run never leaves OUT locked; the file itself stays, and
    holds the pid of the last run that took it.
    """
    import fcntl

    fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputBusy(f"another keyproj run is writing {out} (pid {pid})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)        # closing the descriptor releases the lock

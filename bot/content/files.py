"""Writing a file so that a reader never sees it half-written: a temporary file, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(target: Path, data: bytes) -> None:
    """Put ``data`` at ``target`` in one step (the live FAQ reload may read at any moment)."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix="." + target.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""The one way the platform makes a PDF of a document: LibreOffice headless converts the DOCX.

Each conversion gets its own LibreOffice profile (``-env:UserInstallation``) in a temporary
directory: two conversions sharing a profile block each other or fail. The Liberation fonts
(Debian's ``fonts-liberation2``, whose Liberation Serif has every Vietnamese letter) stand in
for Times New Roman. ``scripts/setup`` installs both.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

PDF_TYPE = "application/pdf"
TIMEOUT_SECONDS = 120


class PdfError(Exception):
    """The PDF could not be made; the message says why, in the user's language."""


def soffice() -> str | None:
    """The LibreOffice program: ``CDTT_SOFFICE`` if set, else the one on the PATH."""
    configured = os.environ.get("CDTT_SOFFICE", "").strip()
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The PDF of a DOCX document; ``PdfError`` when LibreOffice is missing, fails or hangs."""
    program = soffice()
    if program is None:
        raise PdfError(
            _("Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF; hãy tải bản Word.")
        )
    with tempfile.TemporaryDirectory(prefix="cdtt-pdf-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        returncode = _run(command, timeout=timeout, home=work)
        target = work / "document.pdf"
        if returncode != 0 or not target.exists():
            raise PdfError(_("LibreOffice không chuyển được văn bản sang PDF; hãy tải bản Word."))
        return target.read_bytes()


def _run(command: list[str], *, timeout: float, home: Path) -> int:
    """Runs the conversion in its own process group, so that a hung LibreOffice is killed with
    every process it started."""
    env = {**os.environ, "HOME": str(home)}
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise PdfError(
            _("LibreOffice không tạo xong bản PDF sau %(s)s giây; hãy thử lại hoặc tải bản Word.")
            % {"s": int(timeout)}
        ) from None

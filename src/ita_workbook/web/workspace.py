"""A browser tab's own files: uploads kept under random folder names in the server's private working
folder, the outputs made from them, and the one job running on them.

A name sent by the browser is never used as a path: it is cut to one file name (no folder, no
leading dot, no character a file name cannot hold) and stored inside a folder with a random name.
"""

from __future__ import annotations

import re
import secrets
import shutil
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .. import safety
from ..output import safe_filename

# Caps (SECURITY.md): one department's workbook is a few hundred KB, a province gets a few hundred plans.
MAX_FILE_BYTES = safety.MAX_FILE_BYTES  # the CLI's own limit; `serve --max-file-mb` lowers it
MAX_FILES_PER_REQUEST = 50
MAX_REQUEST_BYTES = 120 * 2**20
MAX_WORKSPACE_BYTES = 500 * 2**20
MAX_WORKSPACE_FILES = 1000
MAX_WORKSPACES = 50

# What an upload is for → the pages whose results it makes stale.
BINS = {"returned": ("check", "merge"), "plans": ("plan-check",), "masters": ("province",),
        "previous": ("templates",), "settings": (),
        "report-plan": ("report-6-forms", "report-6", "report-6-compiled", "report-12-forms", "report-12",
                        "report-12-compiled"),
        "report-6": ("report-6", "report-6-compiled"), "report-12": ("report-12", "report-12-compiled"),
        "report-previous": ("report-12-forms",)}


EXPIRED = ("หน้านี้หมดอายุแล้ว (โปรแกรมอาจเริ่มใหม่ หรือเปิดแท็บอื่นมากเกินไป) เปิดที่อยู่ที่โปรแกรมพิมพ์ไว้อีกครั้ง / "
           "this page has expired (the program may have restarted, or too many tabs were opened); open the printed "
           "address again")


class Refused(Exception):
    """A request the server will not carry out; `message` says why in Thai and English."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Limits:
    file_bytes: int = MAX_FILE_BYTES
    files_per_request: int = MAX_FILES_PER_REQUEST
    request_bytes: int = MAX_REQUEST_BYTES
    workspace_bytes: int = MAX_WORKSPACE_BYTES
    workspace_files: int = MAX_WORKSPACE_FILES
    workspaces: int = MAX_WORKSPACES


@dataclass
class Stored:
    id: str
    name: str  # as the browser sent it, cleaned to one file name
    path: Path
    size: int


@dataclass
class Job:
    id: str
    title: str
    done: int = 0
    total: int = 0
    finished: bool = False
    error: str = ""  # a sentence for the person, never a traceback
    result: Any = None
    next_url: str = ""

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total


def safe_name(name: str) -> str:
    """One file name from what the browser sent (which may hold a path, control characters, ..),
    its extension kept and the whole at most 255 bytes."""
    name = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    stem, dot, extension = name.rpartition(".")
    if dot and stem.strip(". ") and 0 < len(extension) <= 8 and extension.isalnum():
        return safe_filename(stem, "." + extension)
    return safe_filename(name)


@dataclass
class Workspace:
    id: str
    folder: Path
    csrf: str
    files: dict[str, list[Stored]] = field(default_factory=lambda: {b: [] for b in BINS})
    outputs: dict[str, Path] = field(default_factory=dict)  # download id → file
    results: dict[str, Any] = field(default_factory=dict)  # page → what its last run found
    job: Job | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False  # evicted: its folder is deleted, or will be when its job ends

    @property
    def size(self) -> int:
        return sum(f.size for stored in self.files.values() for f in stored)

    def count(self) -> int:
        return sum(len(stored) for stored in self.files.values())

    def new_folder(self) -> Path:
        if self.closed:
            raise Refused(EXPIRED, 404)
        folder = self.folder / secrets.token_hex(8)
        folder.mkdir(mode=0o700)
        return folder

    def add(self, bin: str, name: str, data_chunks, limits: Limits, replace: str | None = None) -> Stored:
        """Store one upload; a file of the same name in the same bin is replaced (a department's
        corrected file), as is the file `replace` names."""
        name = safe_name(name)
        folder = self.new_folder()
        path = folder / name
        size = 0
        with path.open("wb") as out:
            for chunk in data_chunks:
                size += len(chunk)
                if size > limits.file_bytes:
                    out.close()
                    shutil.rmtree(folder, ignore_errors=True)
                    raise Refused(f"ไฟล์ {name} ใหญ่เกิน {limits.file_bytes / 2**20:.0f} MB จึงไม่รับ / "
                                  f"{name} is over {limits.file_bytes / 2**20:.0f} MB and was refused", 413)
                out.write(chunk)
        with self.lock:
            if self.size + size > limits.workspace_bytes or self.count() >= limits.workspace_files:
                shutil.rmtree(folder, ignore_errors=True)
                raise Refused("ไฟล์ที่ส่งมาทั้งหมดเกินที่รับได้ ลบไฟล์ที่ไม่ใช้แล้วก่อน / "
                              "the files sent together are more than this page keeps; remove some first", 413)
            stored = Stored(secrets.token_hex(8), name, path, size)
            keep = []
            for old in self.files[bin]:
                if old.name == name or old.id == replace:
                    shutil.rmtree(old.path.parent, ignore_errors=True)
                else:
                    keep.append(old)
            self.files[bin] = keep + [stored]
            self.files[bin].sort(key=lambda f: f.name)
            self._stale(bin)
        return stored

    def remove(self, bin: str, file_id: str) -> None:
        with self.lock:
            found = [f for f in self.files[bin] if f.id == file_id]
            if not found:
                raise Refused("ไม่พบไฟล์นี้ (อาจถูกลบไปแล้ว) / no such file (it may have been removed)", 404)
            self.files[bin] = [f for f in self.files[bin] if f.id != file_id]
            shutil.rmtree(found[0].path.parent, ignore_errors=True)
            self._stale(bin)

    def clear(self, bin: str) -> None:
        with self.lock:
            for old in self.files[bin]:
                shutil.rmtree(old.path.parent, ignore_errors=True)
            self.files[bin] = []
            self._stale(bin)

    def _stale(self, bin: str) -> None:
        """What was found no longer matches the files."""
        for page in BINS[bin]:
            self.results.pop(page, None)

    def name_of(self, path: str | Path) -> str:
        """The name the person knows a stored file by."""
        for stored in self.files.values():
            for f in stored:
                if str(f.path) == str(path):
                    return f.name
        return Path(path).name

    def offer(self, path: Path) -> str:
        """A download id for a file made for this tab."""
        key = secrets.token_hex(8)
        self.outputs[key] = path
        return key

    def close(self) -> None:
        """Delete this tab's files: at once, or when its running job ends. Deleting them under a
        job would not stop it writing, and its next write (atomic_path makes the folders it needs)
        would make the deleted folder again, left behind for ever."""
        with self.lock:
            self.closed = True
            running = self.job is not None and not self.job.finished
        if not running:
            shutil.rmtree(self.folder, ignore_errors=True)

    def start(self, title: str, work: Callable[[Job], Any], next_url: str) -> Job:
        """Run `work` in a thread; one job at a time per tab."""
        with self.lock:
            if self.closed:
                raise Refused(EXPIRED, 404)
            if self.job and not self.job.finished:
                raise Refused("งานก่อนหน้ายังไม่เสร็จ รอสักครู่แล้วลองอีกครั้ง / "
                              "the previous task is still running; wait a moment and try again", 409)
            job = self.job = Job(secrets.token_hex(8), title, next_url=next_url)

        def run() -> None:
            try:
                job.result = work(job)
            except Refused as exc:
                job.error = exc.message
            except Exception as exc:  # a bug of ours: a sentence for the person, the type for the report
                job.error = (f"งานนี้ทำไม่สำเร็จเพราะข้อผิดพลาดของโปรแกรม ({type(exc).__name__}) โปรดแจ้งผู้พัฒนาพร้อมไฟล์ / "
                             f"this task failed through a bug of the program ({type(exc).__name__}); "
                             "please report it with the files")
            finally:
                job.done = job.total
                with self.lock:
                    job.finished = True
                    closed = self.closed
                if closed:  # evicted while it ran: its folder goes now that nothing writes there
                    shutil.rmtree(self.folder, ignore_errors=True)

        threading.Thread(target=run, name=f"ita-job-{job.id}", daemon=True).start()
        return job


class Workspaces:
    """Every tab's workspace, under one private folder that is deleted when the server stops."""

    def __init__(self, root: Path, limits: Limits):
        self.root = root
        self.limits = limits
        self._all: dict[str, Workspace] = {}
        self._lock = threading.Lock()

    def create(self) -> Workspace:
        with self._lock:
            if len(self._all) >= self.limits.workspaces:
                oldest = next(iter(self._all))  # the tab opened longest ago
                self._all.pop(oldest).close()
            wid = secrets.token_urlsafe(12)
            folder = self.root / secrets.token_hex(8)
            folder.mkdir(mode=0o700)
            workspace = self._all[wid] = Workspace(wid, folder, secrets.token_urlsafe(24))
            return workspace

    def get(self, wid: str) -> Workspace | None:
        return self._all.get(wid)

    def others(self, ws: Workspace) -> list[Workspace]:
        """The other tabs' workspaces holding files or results, newest first: a new tab says where they are."""
        return [w for w in reversed(list(self._all.values())) if w is not ws and (w.count() or w.results)]

"""Workbooks are read in a child process: isolated from the folder the command runs in, and limited
in memory and CPU time, so that a file that crashes, exhausts or hangs the reader costs that file
alone, never the run.

python-calamine is native code: given the right file it allocates hundreds of GB and aborts the
whole process (`memory allocation of 549755813888 bytes failed`), taking every other file's report
with it. In a child, that is one file's `unreadable-file` / `limit`.

The child is started with `-I` (no current folder, no PYTHON* variables on its path) and given the
parent's own module path with every relative entry and the current folder taken out: a `pickle.py`
lying among the returned files must never run. One child serves many files (starting one costs about
0.1 s, as much as reading a department's file); it is replaced after `FILES_PER_CHILD` files, and a file
that takes a used child down is tried once more in a fresh one, so that only the file at fault is lost.
"""

from __future__ import annotations

import atexit
import json
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

MAX_CHILD_MEMORY_BYTES = 400 * 2**20  # address space: a 20,000-row xlsx loads in about 200 MB
MAX_CHILD_CPU_SECONDS = 60  # per file (and twice that in wall time)
FILES_PER_CHILD = 1000  # then a fresh child: memory that files fragmented is not carried on for ever

_HEADER = struct.Struct("<Q")
# What the child may be asked to run: reading a workbook, and marking up a copy of one (openpyxl holds
# a whole workbook in memory: a file built for it could take the command down).
_FUNCTIONS = {"load": ("ita_workbook.grid", "load_here"), "annotate": ("ita_workbook.annotate", "annotate_here")}
_BOOT = ("import sys, json; sys.path[:] = json.loads(sys.argv[1]); "
         "from ita_workbook.sandbox import serve; serve()")


class ChildFailed(Exception):
    """The child stopped on a file: `reason` is "limit" (memory or time) or "crashed"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def clean_path() -> list[str]:
    """This process's module path without the current folder or anything relative to it; the folder
    that holds ita_workbook is kept (added last, where it is found from an uninstalled checkout)."""
    here = os.getcwd()
    paths = [p for p in sys.path if p and os.path.isabs(p) and os.path.realpath(p) != os.path.realpath(here)]
    package_parent = str(Path(__file__).resolve().parent.parent)
    return paths if package_parent in paths else [*paths, package_parent]



class _Child:
    def __init__(self) -> None:
        # Its stderr is shown only to a developer (ITA_WORKBOOK_DEBUG): a clerk never sees a traceback.
        self.proc = subprocess.Popen([sys.executable, "-I", "-c", _BOOT, json.dumps(clean_path())],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=None if os.environ.get("ITA_WORKBOOK_DEBUG") else subprocess.DEVNULL)
        self.served = 0  # answers received
        self.sent = 0
        # One thread reads every answer as it comes (None once the child is gone): a thread a request
        # cost as much as the request itself.
        self.answers: queue.SimpleQueue = queue.SimpleQueue()
        self.reader = threading.Thread(target=self._read_answers, daemon=True)
        self.reader.start()

    def send(self, request: tuple) -> None:
        data = pickle.dumps(request)
        try:
            self.proc.stdin.write(_HEADER.pack(len(data)) + data)
            self.proc.stdin.flush()
        except OSError:  # it is gone already (a broken pipe)
            reason = self._why_stopped()
            self.stop()
            raise ChildFailed(reason) from None
        self.sent += 1

    def receive(self) -> Any:
        """The answer to the oldest request sent and not yet answered (the child answers in order)."""
        try:
            answer = self.answers.get(timeout=MAX_CHILD_CPU_SECONDS * 2)
        except queue.Empty:
            answer = _TIMED_OUT
        if answer is None or answer is _TIMED_OUT:
            reason = "limit" if answer is _TIMED_OUT else self._why_stopped()
            self.stop()
            raise ChildFailed(reason)
        self.served += 1
        return answer

    def ask(self, request: tuple) -> Any:
        self.send(request)
        return self.receive()

    def _read_answers(self) -> None:
        stdout = self.proc.stdout
        try:
            while True:
                head = stdout.read(_HEADER.size)
                if len(head) < _HEADER.size:
                    break
                (size,) = _HEADER.unpack(head)
                body = stdout.read(size)
                if len(body) < size:
                    break
                # Only this program's own child writes here; what it pickles are plain values and our classes.
                self.answers.put(pickle.loads(body))
        except (OSError, ValueError):  # closed by stop()
            pass
        self.answers.put(None)

    def _why_stopped(self) -> str:
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.stop()
            return "limit"
        # Out of memory shows as an abort (calamine's failed allocation) or a kill (the kernel's);
        # out of CPU time as SIGXCPU.
        limits = {-signal.SIGABRT, -getattr(signal, "SIGKILL", 9), -getattr(signal, "SIGXCPU", 24), 4}
        return "limit" if code in limits else "crashed"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.join(5)  # it has met the end of the child's output
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


_TIMED_OUT = object()
_child: _Child | None = None
_lock = threading.Lock()


def run(name: str, *args: Any) -> Any:
    """`name`(*args) (see _FUNCTIONS), run in the child; the exception it raised is raised here.
    ChildFailed if the child stopped on it."""
    global _child
    with _lock:
        for attempt in range(2):
            if _child is None:
                _child = _Child()
            fresh = _child.served == 0
            try:
                ok, value = _child.ask((name, args))
            except ChildFailed:
                _child = None
                if fresh or attempt:
                    raise
                continue  # a used child: perhaps an earlier file left it worn; once more in a fresh one
            if _child.served >= FILES_PER_CHILD:
                _child.stop()
                _child = None
            if not ok:
                raise value
            return value
    raise AssertionError("unreachable")


AHEAD = 4  # requests a pipeline keeps in its child's queue while this process works on an answer


def run_each(name: str, calls: Iterable[tuple]) -> Iterator[tuple[bool, Any]]:
    """`name`(*args) for each args of `calls`, in a child of its own, each outcome in order:
    (True, value) or (False, the exception raised, or ChildFailed). The next few requests wait in the
    child's queue while this process works on an answer, so that the child reads the next file
    meanwhile. A crash costs the file at fault alone, as in `run`: the child answers in order, so the
    oldest request unanswered is the one it stopped on; it is tried once more in a fresh child if its
    child had served others, and the requests behind it are sent again."""
    global _child
    calls = iter(calls)
    waiting: deque[tuple[tuple, bool]] = deque()  # (args, tried once already), sent or not
    with _lock:  # the child `run` uses, borrowed: starting one costs as much as reading a file
        child, _child = _child, None
    unsent = 0  # of `waiting`, the last ones not yet sent to `child`
    try:
        while True:
            while len(waiting) < AHEAD and (args := next(calls, None)) is not None:
                waiting.append((args, False))
                unsent += 1
            if not waiting:
                return
            if child is None:
                child, unsent = _Child(), len(waiting)
            fresh = child.served == 0
            try:
                while unsent and child.sent < FILES_PER_CHILD:
                    child.send((name, waiting[len(waiting) - unsent][0]))
                    unsent -= 1
                outcome = child.receive()
            except ChildFailed as exc:
                child = None
                args, retried = waiting.popleft()
                if fresh or retried:
                    yield False, exc
                else:
                    waiting.appendleft((args, True))
                continue
            waiting.popleft()
            if child.served >= FILES_PER_CHILD:
                child.stop()
                child = None
            yield outcome
    finally:
        if child is not None:
            with _lock:
                if _child is None and child.sent == child.served:  # nothing in flight: given back
                    _child, child = child, None
            if child is not None:
                child.stop()


def stop_child() -> None:
    """The reader child stopped and waited for (at exit: its CPU time is then this program's)."""
    global _child
    if _child is not None:
        _child.stop()
        _child = None


_left_by_fork: list[_Child] = []


def _forget_child() -> None:
    """In a forked worker: the parent's child is the parent's; this process starts its own. Its pipes'
    descriptors are closed here, but their file objects are kept, never closed nor freed: the parent's
    answer reader held the output's lock when it forked, and closing it would wait for ever."""
    global _child, _lock
    if _child is not None:
        for pipe in (_child.proc.stdin, _child.proc.stdout):
            try:
                os.close(pipe.fileno())
            except (OSError, ValueError):
                pass
        _left_by_fork.append(_child)
    _child, _lock = None, threading.Lock()


atexit.register(stop_child)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_child)


# --- the child ------------------------------------------------------------------------------------

def _pickled_failure(exc: Exception) -> bytes:
    try:
        data = pickle.dumps((False, exc))
        pickle.loads(data)  # some exceptions pickle but cannot be rebuilt
        return data
    except Exception:  # noqa: BLE001 - named instead
        return pickle.dumps((False, RuntimeError(f"{type(exc).__name__} in the reader")))


def serve() -> None:
    """The child's loop: a request on stdin, its answer on stdout, until stdin closes."""
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the parent's wall-time limit still bounds the child
        resource = None
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_AS, (MAX_CHILD_MEMORY_BYTES, MAX_CHILD_MEMORY_BYTES))
    import importlib

    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must never corrupt an answer
    while head := requests.read(_HEADER.size):
        name, args = pickle.loads(requests.read(_HEADER.unpack(head)[0]))
        if resource is not None:
            used = resource.getrusage(resource.RUSAGE_SELF)
            soft = int(used.ru_utime + used.ru_stime) + MAX_CHILD_CPU_SECONDS
            resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
        module, function = _FUNCTIONS[name]
        try:
            data = pickle.dumps((True, getattr(importlib.import_module(module), function)(*args)))
        except MemoryError:
            sys.exit(4)
        except Exception as exc:  # LoadError, or a bug of ours: raised in the parent, never a hang
            data = _pickled_failure(exc)
        answers.write(_HEADER.pack(len(data)) + data)
        answers.flush()

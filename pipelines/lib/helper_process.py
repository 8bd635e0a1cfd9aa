"""A second Python process beside a build, for work that is self-contained and bound to the interpreter.

The steps of a build run in the build's process, one interpreter; Python work there waits for the rest.
Three kinds of work need nothing of the build but their
inputs: the Great Expectations suites (GX's import alone is about two seconds of interpreter time, each suite a
few tenths more), reading the GLOTIP workbooks into frames, and the static images (kaleido's event loop and
its messages to and from the browser). They are sent here and run on the other core.

A call names a function (`"module:function"`) and passes picklable arguments; one process
(`python -m pipelines.lib.helper_process`) reads the calls on its standard input, runs each on a thread of its
own (a suite does not wait for an image; the suites themselves still run one at a time) and answers on its
standard output as each is done (a length-prefixed pickle both ways: the two ends are the same code, started
by the build). An exception raised by the function comes back as itself (or, when it cannot be rebuilt from
its pickle, as `HelperError` with its type, message and traceback). The helper writes no file of the
project: it only computes, so killing it, or the build, at any moment loses nothing.

The build starts it first thing (`start`) and keeps it for later builds of the same process (a test session,
a notebook: GX is imported there once); it ends when the process that started it exits (`stop` at exit, or
its input closes when that process is killed). It has a process group of its own,
so a Ctrl-C at the terminal reaches only the build, which then closes it. When it is not running
(`MIGRATION_BUILD_HELPER=0`, a run started from the UI, a test calling the function itself) or it dies,
`call` runs the function in the caller's process instead: the same function on the same inputs, so the same
result, only later; a helper that dies is reported once on stderr.
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import importlib
import itertools
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, BinaryIO

ENV = "MIGRATION_BUILD_HELPER"
_HEADER = struct.Struct("!Q")  # the length of the pickle that follows


class HelperError(RuntimeError):
    """An exception of the helper that could not be carried back as itself."""


class HelperDied(HelperError):
    """The helper process ended (or could not be started) before answering."""


def enabled() -> bool:
    """$MIGRATION_BUILD_HELPER: 1 (the default) runs the suites, workbook reads and static images in a helper
    process, 0 in the build's own process."""
    value = os.environ.get(ENV, "1").strip()
    if value not in ("0", "1"):
        raise SystemExit(f"{ENV}={value!r}: give 1 (a helper process, the default) or 0 (none)")
    return value == "1"


def _send(stream: BinaryIO, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _receive(stream: BinaryIO, sizes: list[int] | None = None) -> Any:  # noqa: ANN401 - what the other end sent
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(head)
    if sizes is not None:
        sizes.append(size)
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError
    return pickle.loads(payload)  # noqa: S301 - written by this module, in the process this one started


def resolve(function: str) -> Callable[..., Any]:
    module, _, name = function.partition(":")
    return getattr(importlib.import_module(module), name)


class Helper:
    """One helper process and the calls waiting for its answers."""

    def __init__(self) -> None:
        self.pid = os.getpid()  # the process that started it (a forked child must not use it)
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, this module
            [sys.executable, "-m", __name__],
            # Arrow's buffers from the C allocator, which `give_back_memory` can hand back to the system
            env={**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "system"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
            process_group=0,  # a Ctrl-C at the terminal is the build's: it then closes this process
        )
        self.alive = True
        self._ids = itertools.count()
        self._pending: dict[int, Future] = {}
        self._lock = threading.Lock()  # one call written at a time; the pending table
        self._reader = threading.Thread(target=self._read_answers, name="helper-answers", daemon=True)
        self._reader.start()

    def submit(self, function: str, *args: object, **kwargs: object) -> Future:
        """Sends the call; its future holds the answer. Raises HelperDied when the helper has ended."""
        call_id = next(self._ids)
        payload = pickle.dumps((call_id, function, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        future: Future = Future()
        with self._lock:
            if not self.alive:
                raise HelperDied(self._ended())
            self._pending[call_id] = future
            try:
                _send(self.process.stdin, payload)
            except (OSError, ValueError):  # a closed pipe: the helper is gone
                self._pending.pop(call_id, None)
                self.alive = False
                raise HelperDied(self._ended()) from None
        return future

    def _read_answers(self) -> None:
        try:
            while True:
                call_id, ok, value = _receive(self.process.stdout)
                with self._lock:
                    future = self._pending.pop(call_id, None)
                if future is not None:
                    (future.set_result if ok else future.set_exception)(value)
        except Exception:  # noqa: BLE001 - the pipe closed, or an answer that cannot be read: the helper is
            pass  # taken as dead, and every waiting call runs again in its caller's process
        with self._lock:
            self.alive = False
            waiting, self._pending = list(self._pending.values()), {}
            try:
                self.process.stdin.close()  # a helper still running ends once its input closes
            except OSError:
                pass
        for future in waiting:
            future.set_exception(HelperDied(self._ended()))

    def _ended(self) -> str:
        try:
            code = self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None
        how = (
            f"exit code {code}"
            if code is not None and code >= 0
            else f"signal {-code}"
            if code
            else "no answer"
        )
        return f"the build's helper process (pid {self.process.pid}) ended before answering ({how})"

    def close(self, wait: float | None = 10.0) -> None:
        """Closes the helper's input: it then closes its browser session and exits. With `wait`, waits that
        long for it, then ends it (nothing it could still be doing is needed once its caller stops)."""
        with self._lock:
            self.alive = False
            try:
                self.process.stdin.close()
            except OSError:
                pass
        if wait is None:
            return
        try:
            self.process.wait(wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(wait)


_HELPER: Helper | None = None
_GUARD = threading.Lock()
_REPORTED: set[str] = set()
_EXIT_HOOKED: list[bool] = []
_ENDING: list[Helper] = []  # stopped, perhaps still closing its browser


def start() -> None:
    """Starts the helper unless one is running or $MIGRATION_BUILD_HELPER is 0; also has it import GX now."""
    global _HELPER
    if not enabled():
        return
    with _GUARD:
        if _HELPER is not None and _HELPER.alive and _HELPER.pid == os.getpid():
            return
        try:
            _HELPER = Helper()
            _HELPER.submit("pipelines.lib.gx_runner:preload", freeze=True)
            if not _EXIT_HOOKED:
                atexit.register(_reap)
                atexit.register(stop)  # runs first: hooks run last-registered first
                _EXIT_HOOKED.append(True)
        except (OSError, HelperDied) as exc:
            _HELPER = None
            report(f"could not start the build's helper process ({exc}); its work runs in this process")


def running() -> Helper | None:
    """The live helper this process started, or None (also when $MIGRATION_BUILD_HELPER is now 0)."""
    helper = _HELPER
    if helper is not None and helper.alive and helper.pid == os.getpid() and enabled():
        return helper
    return None


def stop(wait: bool = False) -> None:
    """Lets the helper end (its input closed); `wait` waits for it. The build's exit waits for it in any case."""
    global _HELPER
    with _GUARD:
        helper, _HELPER = _HELPER, None
        if helper is not None and helper.pid == os.getpid():
            _ENDING.append(helper)
    if helper is not None and helper.pid == os.getpid():
        helper.close(10.0 if wait else None)


def _reap() -> None:
    """At exit: every helper this process started has ended (after up to ten seconds, killed)."""
    while _ENDING:
        helper = _ENDING.pop()
        if helper.pid == os.getpid():
            helper.close(10.0)


def report(message: str) -> None:
    if message not in _REPORTED:
        _REPORTED.add(message)
        print(f"  ! {message}", file=sys.stderr, flush=True)


def submit(function: str, *args: object, **kwargs: object) -> Future | None:
    """The call sent to the helper, or None when no helper is running (the caller then does the work itself)."""
    helper = running()
    if helper is None:
        return None
    try:
        return helper.submit(function, *args, **kwargs)
    except HelperDied as exc:
        report(f"{exc}; its work runs in this process")
        return None


def in_background(function: str, *args: object, **kwargs: object) -> Future:
    """`function(*args, **kwargs)` started now: in the helper when one is running, else on a thread of this
    process. The future holds its answer (or its exception, or HelperDied)."""
    future = submit(function, *args, **kwargs)
    if future is not None:
        return future
    future = Future()

    def run() -> None:
        try:
            future.set_result(resolve(function)(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - the future's holder raises it
            future.set_exception(exc)

    threading.Thread(target=run, daemon=True, name=f"background-{function}").start()
    return future


def call(function: str, *args: object, **kwargs: object) -> Any:  # noqa: ANN401 - the function's answer
    """`function(*args, **kwargs)`, in the helper when one is running, else (or when it dies) in this process."""
    future = submit(function, *args, **kwargs)
    if future is not None:
        try:
            return future.result()
        except HelperDied as exc:
            report(f"{exc}; its work runs in this process")
    return resolve(function)(*args, **kwargs)


# --- the helper's side ---------------------------------------------------------------------------------------


def _answer_for(call_id: int, function: str, args: tuple, kwargs: dict) -> bytes:
    try:
        value = resolve(function)(*args, **kwargs)
        return pickle.dumps((call_id, True, value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - carried back to the caller, which raises it
        exc.add_note(f"(raised in the build's helper process, by {function})")
        try:
            payload = pickle.dumps((call_id, False, exc), protocol=pickle.HIGHEST_PROTOCOL)
            pickle.loads(payload)  # noqa: S301 - an exception that pickles but cannot be rebuilt
            return payload
        except Exception:  # noqa: BLE001
            text = "".join(traceback.format_exception(exc))
            error = HelperError(f"{function} raised {type(exc).__name__}: {exc}\n{text}")
            return pickle.dumps((call_id, False, error), protocol=pickle.HIGHEST_PROTOCOL)


_LEAVING = threading.Lock()


def _leave(*_: object) -> None:
    """Ends the helper after its exit hooks (the browser session of the static images among them); once."""
    if _LEAVING.acquire(blocking=False):
        atexit._run_exitfuncs()
        os._exit(0)


def serve() -> None:
    """The helper's loop: each call on a thread of its own (a suite need not wait for an image), its answer
    written when ready; ends when the build closes the pipe (or exits) or sends SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle; it then ends this process
    signal.signal(signal.SIGTERM, _leave)
    requests = os.fdopen(0, "rb")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the answers
    writing = threading.Lock()

    def run(size: int, box: list[tuple]) -> None:
        call_id, function, args, kwargs = box.pop()  # the only reference: freed once answered
        payload = _answer_for(call_id, function, args, kwargs)
        del args, kwargs
        try:
            with writing:
                _send(answers, payload)
        except (OSError, ValueError):  # the build is gone
            pass
        if size >= LARGE_CALL:
            give_back_memory()

    while True:
        sizes: list[int] = []
        try:
            box = [_receive(requests, sizes)]
        except EOFError:
            _leave()
        name = f"call-{box[0][0]}"
        threading.Thread(target=run, args=(sizes[0], box), daemon=True, name=name).start()
        del box


def freeze_imported() -> None:
    """Moves every object alive now (the imported modules' among them) out of the garbage collector's sight,
    so that `give_back_memory` collects quickly. Called in the helper only."""
    gc.freeze()


# bytes of arguments (a suite on a million-row table) from which the helper hands memory back after the call
LARGE_CALL = 2**20


def give_back_memory() -> None:
    """Returns what a large call freed to the system: Python keeps freed memory for reuse (and the C allocator
    keeps freed pieces of its heap), so a helper that validated a million-row table would otherwise hold it for
    the rest of the build. Called after a call with large arguments, and by `gx_runner` after a large table."""
    # a full collection among GX's and Dagster's objects takes about 0.6 s; once the modules' objects are frozen
    # (`freeze_imported`, done in the helper after GX's import) it only looks at what calls made since
    gc.collect(2 if gc.get_freeze_count() else 1)
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


if __name__ == "__main__":
    # run as the importable module, so that what is pickled here names classes the build can find
    from pipelines.lib.helper_process import serve as serve_as_module

    serve_as_module()

"""Reading a document in a child process, bounded in seconds and memory.

The readers check sizes and counts themselves (:mod:`koers.importers.limits`),
but time and memory can only be bounded from outside: a PDF whose one page
takes an hour to extract, a library that builds a huge tree. So the document is
read in a forked child process whose address space is limited
(``RLIMIT_AS``: what the process already uses plus ``max_memory_mb``) and that
is killed when ``max_seconds`` have passed. The parent gets the same
:class:`~koers.importers.pipeline.ImportResult` back through a pipe, or a
:class:`~koers.importers.errors.DocumentError` with a clear message:
``too_slow``, ``too_much_memory``, or the reader's own error.

Pure Python without Django; POSIX only (``os.fork``).
"""

import os
import pickle
import resource
import select
import signal
import struct
import time

from koers.importers.errors import DocumentError
from koers.importers.limits import DEFAULT_LIMITS, ImportLimits, limit_error, megabytes
from koers.importers.pipeline import ImportResult, import_document
from koers.importers.readers import read_document

HEADER = struct.Struct(">Q")
FAILED = "The file cannot be read: it is damaged or not what its name says."


def import_document_isolated(
    data: bytes,
    filename: str,
    *,
    family: str | None = None,
    columns: dict[str, str] | None = None,
    limits: ImportLimits | None = None,
    progress=None,
    stats: dict | None = None,
) -> ImportResult:
    """:func:`~koers.importers.pipeline.import_document` in a child process.

    ``progress(done, total)`` is called in this process as the child reports;
    ``stats``, when given, receives the child's ``pid``, ``seconds`` and ``peak_mb``
    (its largest resident size), this process's resident ``baseline_mb`` and its
    ``virtual_mb``: the child's address space is limited to ``virtual_mb`` plus
    ``max_memory_mb``, so its peak never exceeds that sum.
    """
    limits = limits or DEFAULT_LIMITS
    _check_size(data, limits)
    return run_isolated(
        import_document,
        (data, filename),
        {"family": family, "columns": columns, "limits": limits},
        limits=limits,
        progress=progress,
        stats=stats,
    )


def read_document_isolated(
    data: bytes, filename: str, *, limits: ImportLimits | None = None, stats: dict | None = None
):
    """:func:`~koers.importers.readers.read_document` (format and lines) in a child process."""
    limits = limits or DEFAULT_LIMITS
    _check_size(data, limits)
    return run_isolated(
        read_document, (data, filename), {"limits": limits}, limits=limits, stats=stats
    )


def _check_size(data: bytes, limits: ImportLimits) -> None:
    if len(data) > limits.max_bytes:  # refused without starting a process
        raise limit_error(
            "too_large",
            size=megabytes(len(data)),
            limit=megabytes(limits.max_bytes),
        )


def run_isolated(function, args, kwargs, *, limits: ImportLimits, progress=None, stats=None):
    """Call ``function(*args, **kwargs)`` in a forked child within ``limits``' seconds and
    memory; return its value or raise its :class:`DocumentError`."""
    read_end, write_end = os.pipe()
    baseline = _resident_mb()
    try:
        virtual = round(_virtual_bytes() / 1024 / 1024, 1)
    except (OSError, ValueError):
        virtual = None
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(write_end, function, args, kwargs, limits, progress is not None)
    os.close(write_end)
    try:
        message, status, usage = _wait(pid, read_end, started + limits.max_seconds, progress)
    except BaseException:  # interrupted here (Ctrl+C, a failing progress bar): end the child
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    if stats is not None:
        stats.update(
            pid=pid,
            seconds=round(time.monotonic() - started, 2),
            peak_mb=round(usage.ru_maxrss / 1024, 1) if usage else None,
            baseline_mb=baseline,
            virtual_mb=virtual,
        )
    if message is None:
        killed_by = os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else None
        if status is None or killed_by == signal.SIGXCPU:
            raise limit_error("too_slow", limit=limits.max_seconds)
        if killed_by in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            raise limit_error("interrupted")  # stopped from outside, not by the document
        # Killed by the kernel, or a library that aborted on a failed allocation.
        raise limit_error("too_much_memory", limit=limits.max_memory_mb)
    kind = message[0]
    if kind == "result":
        return message[1]
    if kind == "error":
        raise DocumentError(message[1], message[2], **message[3])
    if kind == "memory":
        raise limit_error("too_much_memory", limit=limits.max_memory_mb)
    raise DocumentError("unreadable", FAILED)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _wait(pid: int, fd: int, deadline: float, progress):
    """Read the child's messages until it closes the pipe or the deadline passes."""
    buffer = bytearray()
    message = None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            os.kill(pid, signal.SIGKILL)
            _pid, _status, usage = os.wait4(pid, 0)
            return None, None, usage
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        buffer += chunk
        while len(buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(buffer)
            if len(buffer) < HEADER.size + size:
                break
            frame = pickle.loads(bytes(buffer[HEADER.size : HEADER.size + size]))
            del buffer[: HEADER.size + size]
            if frame[0] == "progress":
                if progress is not None:
                    progress(frame[1], frame[2])
            else:
                message = frame
    _pid, status, usage = os.wait4(pid, 0)
    return message, status, usage


def _child(fd: int, function, args, kwargs, limits: ImportLimits, report: bool):
    code = 0
    try:
        out = os.fdopen(fd, "wb", buffering=0)

        def send(frame) -> None:
            payload = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
            out.write(HEADER.pack(len(payload)) + payload)

        # The parent's handlers (a server's, a worker's) are not the child's: a signal ends it.
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        _limit_resources(limits)
        if report:
            kwargs = {**kwargs, "progress": lambda done, total: send(("progress", done, total))}
        try:
            frame = ("result", function(*args, **kwargs))
        except DocumentError as error:
            frame = ("error", error.code, error.message, error.params)
        except MemoryError:
            frame = ("memory",)
        except RecursionError:
            frame = ("error", "too_deep", "The document is nested too deeply to import.", {})
        except BaseException:  # anything else: a damaged file, said plainly
            frame = ("failed",)
        try:
            send(frame)
        except MemoryError:
            frame = None
            send(("memory",))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _limit_resources(limits: ImportLimits) -> None:
    try:
        allowed = _virtual_bytes() + limits.max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (allowed, allowed))
    except (OSError, ValueError):  # not on this system: the time limit still holds
        pass
    try:  # a second guard should the parent be gone: CPU seconds
        seconds = limits.max_seconds + 5
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    except (OSError, ValueError):
        pass


def _virtual_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _resident_mb() -> float | None:
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024, 1)

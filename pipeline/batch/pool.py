"""Worker processes for a batch run: tasks out, results back in task order, a time budget each.

Every worker has its own pair of pipes. The calling thread does all the bookkeeping: it
sends tasks, waits on every result pipe and every worker's exit at once, and kills a worker
whose current task outlives the time budget (the tasks queued behind it go to a fresh
worker). There are no helper threads, so the writing process takes as little CPU from the
workers as it can (figures in the `WorkerPool` docstring).

A worker is bounded in memory too (an rlimit it sets on itself: a task that goes over it
fails, and the worker is replaced). Each worker runs in its own process group, so a Ctrl-C
at the terminal reaches only the parent, which decides what to stop; and it dies with its
parent (Linux). A worker that starts a program in a session of its own (LibreOffice) names
that session with `child_session`, and killing the worker kills it too.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import select
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# A result pipe holds this much, so that a worker can hand over a few documents' rows while
# the parent is busy writing a checkpoint instead of waiting for it (Linux; elsewhere the
# system's default size).
RESULT_PIPE_BYTES = 1 << 20
_END: Any = object()     # Any: it stands in the stream of tasks (of any type) to mark its end


@dataclass(frozen=True, slots=True)
class Failure:
    """A task without a result: it raised, outlived the time budget or the memory limit, or
    its worker died."""

    message: str
    worker_spent: bool = False      # the worker is to be replaced (it ran out of memory)


@dataclass(frozen=True, slots=True)
class _StartFailed:
    message: str


@dataclass(frozen=True, slots=True)
class _Bundle:
    """Several small tasks sent as one message: the worker answers them with one message,
    the list of their answers (each a result or a Failure), in order."""

    tasks: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class _Beside:
    """Heads an answer that has `count` buffers beside its pickle (`beside`): the buffers
    follow, one message each, then the answer's pickle."""

    count: int


def beside(data: bytes) -> Any:
    """`data` marked to go beside the pickle of the answer that holds it, not inside it:
    the answer arrives holding `data` as bytes, but the worker never copies it into a pickle
    (pickle protocol 5, out of band). For a big document's text: an 8 MB document's worker
    held the text's bytes and their copy in the pickle at once."""
    return pickle.PickleBuffer(data)


@dataclass(frozen=True, slots=True)
class _Ready:
    """A worker has set up (its initializer ran): the time budget of its first task starts
    now, not when the task was sent (a spawned worker takes a few seconds to set up)."""


_MB = 1024 * 1024

# How long a worker may take to set up, on top of its first task's time budget.
STARTUP_ALLOWANCE_S = 60.0


# In a worker: where it notes the process group of a program it has started in a session
# of its own (0: none), so that the parent can kill that group with the worker.
_CHILD_SESSION: Any = None


def _serve(tasks: Connection, results: Connection, function: Callable[[Any], Any],
           initializer: Callable[..., None], initargs: tuple[Any, ...],
           memory_limit: int | None = None, child_session: Any = None) -> None:
    """A worker's life: set up once, then answer every task with its result or a Failure."""
    global _CHILD_SESSION
    _CHILD_SESSION = child_session
    _detach_from_terminal_signals()
    _lean_heap()
    if memory_limit is not None:
        _limit_memory(memory_limit)
    try:
        initializer(*initargs)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which stops the run
        results.send_bytes(pickle.dumps(_StartFailed(f"{type(exc).__name__}: {exc}")))
        return
    results.send_bytes(pickle.dumps(_Ready()))
    while True:
        try:
            task = pickle.loads(tasks.recv_bytes())
        except (EOFError, OSError):
            return                      # the parent has gone
        if task is None:
            _end_worker()
        buffers: list[pickle.PickleBuffer] = []
        try:
            if isinstance(task, _Bundle):
                answer = _bundle_answer(function, task, buffers)
            else:
                answer = _dumps(function(task), buffers)
        except MemoryError:
            # the task went over the limit: it fails, and this worker, whose heap may now
            # be fragmented or half-built, hands over to a fresh one
            results.send_bytes(pickle.dumps(Failure(_over_memory(memory_limit), worker_spent=True)))
            return
        except Exception as exc:  # noqa: BLE001 - one task's failure, not the worker's
            answer, buffers = pickle.dumps(Failure(f"{type(exc).__name__}: {exc}")), []
        if buffers:
            results.send_bytes(pickle.dumps(_Beside(len(buffers))))
            for buffer in buffers:
                results.send_bytes(buffer)
            del buffers
        results.send_bytes(answer)


def _dumps(result: Any, buffers: list[pickle.PickleBuffer]) -> bytes:
    """`result` pickled, the data marked `beside` in it appended to `buffers` instead."""
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL, buffer_callback=buffers.append)


def _bundle_answer(function: Callable[[Any], Any], bundle: _Bundle, buffers: list[pickle.PickleBuffer]) -> bytes:
    """The pickled list of a bundle's answers: each task's result, or its Failure when it
    raised or its result cannot be pickled (as a task sent alone fails). A MemoryError is
    the whole bundle's: the parent sends its tasks again one by one to a fresh worker."""
    results: list[Any] = []
    for task in bundle.tasks:
        try:
            results.append(function(task))
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - one task's failure, not the bundle's
            results.append(Failure(f"{type(exc).__name__}: {exc}"))
    try:
        return _dumps(results, buffers)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - a result that cannot be pickled fails alone
        buffers.clear()
        return _dumps([_picklable(result) for result in results], buffers)


def _picklable(result: Any) -> Any:
    try:
        pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001
        return Failure(f"{type(exc).__name__}: {exc}")
    return result


def _end_worker() -> None:
    """End this worker at once, as asked. The parent waits for it: a spawned worker's normal
    exit tears its interpreter down, freeing every rule, pattern and dictionary object one
    by one (70-100 ms of a small run); nothing of it is needed once the last answer is sent."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def _over_memory(limit: int | None) -> str:
    if limit is None:
        return "out of memory"
    return f"over the memory limit of {limit // (1024 * 1024)} MB"


def _detach_from_terminal_signals() -> None:
    """A process group of this worker's own: Ctrl-C at the terminal signals the terminal's
    foreground group, which is the parent's; the parent then stops the workers itself
    (no worker prints a KeyboardInterrupt traceback). On Linux the worker is also killed
    when the parent dies, however it dies, so no worker outlives its run."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        parent = os.getppid()
        PR_SET_PDEATHSIG = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:      # the parent died before the request was made
            os._exit(1)


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
# Blocks of at least this many bytes are mapped apart from the heap, and given back to the
# system when freed
LEAN_HEAP_MMAP_BYTES = 256 * 1024


def _lean_heap() -> None:
    """Fix this process's C heap (glibc) so that what a big document frees is given back to
    the system: blocks of `LEAN_HEAP_MMAP_BYTES` and more in mappings of their own, unmapped
    when freed, and the heap's free top trimmed past 128 KB (glibc's defaults at start). By
    default glibc raises both thresholds to the largest block freed so far: after an 8 MB
    document's bytes were freed, every block below 8 MB (its normalised text, the stages'
    arrays and lists) came from the heap and stayed there, freed, for the worker's life
    (its peak RSS 5.9 MB per MB of text; 5.1 with the thresholds fixed). Elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        mallopt = ctypes.CDLL(None).mallopt
        mallopt(_M_MMAP_THRESHOLD, LEAN_HEAP_MMAP_BYTES)
        mallopt(_M_TRIM_THRESHOLD, 128 * 1024)


def _limit_memory(limit: int) -> None:
    """Cap what this process may use beyond what it holds now at `limit` bytes: an allocation
    beyond it fails (MemoryError) instead of growing until the machine runs out. On Linux
    RLIMIT_DATA counts what a process writes to (heap and private mappings, not mapped
    libraries or reserved address space), and a forked worker starts with its parent's (a
    test process of a gigabyte or more failed to start its workers): the cap is set above the
    data it holds at its start. Elsewhere RLIMIT_AS is the cap there is. Only the soft limit
    is set."""
    import resource

    linux = sys.platform.startswith("linux")
    which = resource.RLIMIT_DATA if linux else resource.RLIMIT_AS
    if linux:
        limit += _data_bytes()
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(which, (limit, hard))


def _data_bytes() -> int:
    """The data this process holds (Linux's VmData, what RLIMIT_DATA counts), 0 when unknown."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    return 0


@contextlib.contextmanager
def child_session(pid: int) -> Iterator[None]:
    """Within this block, the worker's parent kills process group `pid` (a program this
    worker started with start_new_session) whenever it kills the worker: a program in a
    session of its own would otherwise outlive it."""
    if _CHILD_SESSION is None:          # not in a worker of this pool
        yield
        return
    _CHILD_SESSION.value = pid
    try:
        yield
    finally:
        _CHILD_SESSION.value = 0


@dataclass(slots=True)
class _Queued:
    """A task out (or, with `parts`, a bundle of tasks sent as one: `task` is their
    `_Bundle`, `seq` and `size` the first part's number and all parts' bytes)."""

    seq: int
    task: Any
    size: int
    parts: tuple[_Queued, ...] = ()

    def members(self) -> tuple[_Queued, ...]:
        """The tasks this item answers for, in order."""
        return self.parts or (self,)


class _Worker:
    """One worker process, its pipes, and the tasks sent to it and not yet answered."""

    def __init__(self, context: Any, target_args: tuple[Any, ...], memory_limit: int | None) -> None:
        task_end, self.tasks = context.Pipe(duplex=False)
        self.results, result_end = context.Pipe(duplex=False)
        _widen(self.results)
        self.child_session = context.Value("i", 0, lock=False)
        self.process = context.Process(
            target=_serve, args=(task_end, result_end, *target_args, memory_limit, self.child_session),
            daemon=True)
        self.process.start()
        task_end.close()
        result_end.close()
        self._answers = _poller_of(self.results)
        self.queue: deque[_Queued] = deque()
        self.started = time.monotonic()     # when the task at the head of the queue began
        self.ready = False                  # set up, see _Ready
        self.asked_to_stop = False

    def send(self, item: _Queued) -> None:
        if not self.queue:
            self.started = time.monotonic()
        self.queue.append(item)
        try:
            # plain pickle, as the answers come back: multiprocessing's own pickler (send)
            # costs 10 us more a task, for reductions (sockets, pipes) no task holds
            self.tasks.send_bytes(pickle.dumps(item.task, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            # the worker died since it was last seen alive: the task stays queued, and
            # WorkerPool._collect hands the queue to its replacement
            pass

    def has_answer(self) -> bool:
        """Whether an answer, or the end of the result pipe (the worker died), is waiting
        there; never blocks."""
        if self._answers is None:
            return self.results.poll()
        return bool(self._answers.poll(0))

    def budget(self, budget: float, per_mb: float) -> float:
        """The seconds the task at the head of the queue may take: `budget`, and `per_mb`
        more for every MB of its size."""
        return budget + (per_mb * self.queue[0].size / _MB if self.queue else 0.0)

    def deadline(self, budget: float, per_mb: float) -> float:
        """When the task at the head of the queue runs out of time."""
        return self.started + self.budget(budget, per_mb) + (0.0 if self.ready else STARTUP_ALLOWANCE_S)

    def load(self) -> tuple[int, int]:
        """(bytes, tasks) sent to this worker and not yet answered."""
        return sum(item.size for item in self.queue), len(self.queue)

    def ask_to_stop(self) -> None:
        """Ask the worker to end once it has answered the tasks sent to it."""
        if not self.asked_to_stop:
            self.asked_to_stop = True
            with contextlib.suppress(OSError):
                self.tasks.send_bytes(pickle.dumps(None))

    def stop(self, *, kill: bool) -> None:
        if kill:
            self.process.kill()
        else:
            self.ask_to_stop()
        self.process.join(timeout=None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        # the worker is gone, so it cannot start another: end the program it was running
        group = self.child_session.value
        if group:
            with contextlib.suppress(OSError):
                os.killpg(group, signal.SIGKILL)
        self.tasks.close()
        self.results.close()


class WorkerPool(Generic[T]):
    """`workers` processes that each run `initializer(*initargs)` once, then `function` on
    the tasks given to `map`.

    Measured with 2 workers, 2,171 tasks whose results are realistic rows (4 ms of work each):
    this pool's parent used 0.24-0.28 s of CPU against 0.53-0.58 s for pebble's ProcessPool,
    and finished in 4.63 s instead of 4.92 s.
    """

    def __init__(self, workers: int, function: Callable[[T], Any], initializer: Callable[..., None],
                 initargs: tuple[Any, ...], *, context: Any, time_budget: float | None,
                 time_per_mb: float = 0.0, memory_limit: int | None = None,
                 replacement_context: Any = None) -> None:
        """`time_budget`: seconds a task may take, plus `time_per_mb` for every MB of its
        `size` (a large document needs longer; a hang in a small one is still caught soon).
        `memory_limit`: bytes one worker may use (None: no limit); a task over it fails
        with "over the memory limit of N MB" and its worker is replaced. The first workers
        are started with `context`, the workers that replace them with `replacement_context`
        (default: the same)."""
        self._args = (function, initializer, initargs)
        self._context = context
        self._budget = time_budget
        self._per_mb = time_per_mb
        self._memory_limit = memory_limit
        self._workers = [self._start() for _ in range(max(1, workers))]
        self._context = replacement_context or context

    def _start(self) -> _Worker:
        return _Worker(self._context, self._args, self._memory_limit)

    @property
    def size(self) -> int:
        """The worker processes running (none once closed)."""
        return len(self._workers)

    def __enter__(self) -> WorkerPool[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(kill=exc[0] is not None)

    def release(self) -> None:
        """Ask every worker to end once it has answered the tasks sent to it, without waiting
        for it: `close` reaps them later."""
        for worker in self._workers:
            worker.ask_to_stop()

    def close(self, *, kill: bool = False) -> None:
        if not kill:
            for worker in self._workers:    # all asked first: they end side by side
                worker.ask_to_stop()
        for worker in self._workers:
            worker.stop(kill=kill)
        self._workers = []

    def map(self, tasks: Iterable[T], size: Callable[[T], int], *, most_tasks: int,
            most_bytes: int, worker_bytes: int | None = None, bundle_tasks: int = 1,
            bundle_bytes: int = 0) -> Iterator[tuple[T, Any]]:
        """(task, its result or a Failure) for every task, in the order given.

        At most `most_tasks` tasks, and `most_bytes` of their `size`, are out at a time
        (always at least one), so memory stays flat however many tasks there are. With
        `worker_bytes`, a worker is sent no more once `worker_bytes` of `size` wait in its
        queue (it always gets one when its queue is empty): a task sent to a worker stays
        with it, so what is queued when the last task is sent decides how long one worker
        works on alone at the end of a run (see `settings.QUEUED_BYTES_PER_WORKER`).

        With `bundle_tasks` > 1, up to that many tasks in a row whose sizes add up to at most
        `bundle_bytes` go to a worker as one message and come back as one (each task's
        pickling, pipe writes and reads, and waking of both processes are then shared). A
        bundle has the time budget of one task of its total size; a bundle that outlives it,
        kills its worker or goes over the memory limit is sent again as single tasks to a
        fresh worker, so each task still fails alone, with its own budget and message.
        """
        source = iter(tasks)
        ahead: deque[_Queued] = deque()        # drawn from `source`, not yet out (at most one)
        waiting: deque[_Queued] = deque()      # every task or bundle out, in order
        answers: dict[int, Any] = {}
        out_bytes = 0
        next_seq = 0

        def draw() -> _Queued | None:
            nonlocal next_seq
            if ahead:
                return ahead.popleft()
            task = next(source, _END)
            if task is _END:
                return None
            next_seq += 1
            return _Queued(next_seq - 1, task, size(task))

        def next_item() -> _Queued | None:
            """The next task, or a bundle of the next small tasks."""
            first = draw()
            if first is None or bundle_tasks <= 1 or first.size > bundle_bytes:
                return first
            parts, total = [first], first.size
            while len(parts) < bundle_tasks:
                item = draw()
                if item is None:
                    break
                if total + item.size > bundle_bytes:
                    ahead.append(item)
                    break
                parts.append(item)
                total += item.size
            if len(parts) == 1:
                return first
            return _Queued(first.seq, _Bundle(tuple(p.task for p in parts)), total, tuple(parts))

        def hand_out() -> None:
            nonlocal out_bytes
            while len(waiting) < most_tasks and (not waiting or out_bytes < most_bytes):
                if worker_bytes is not None and all(w.queue and w.load()[0] >= worker_bytes
                                                    for w in self._workers):
                    return
                item = next_item()
                if item is None:
                    return
                waiting.append(item)
                out_bytes += item.size
                self._least_busy().send(item)

        hand_out()
        while waiting:
            while waiting and all(part.seq in answers for part in waiting[0].members()):
                item = waiting.popleft()
                out_bytes -= item.size
                for part in item.members():
                    yield part.task, answers.pop(part.seq)
                hand_out()
            if waiting:
                self._collect(answers)

    def _least_busy(self) -> _Worker:
        """The worker with the least work queued: the fewest bytes (`size`) of tasks, then
        the fewest tasks (a dead idle one is replaced first). Counting tasks alone, a worker
        handed the big documents still works alone at the end of a run while the other,
        handed as many small ones, waits."""
        index = min(range(len(self._workers)), key=lambda i: self._workers[i].load())
        if not self._workers[index].process.is_alive():
            self._replace(index)
        return self._workers[index]

    def _collect(self, answers: dict[int, Any]) -> None:
        """Wait for at least one answer, worker death or timeout; record what came."""
        busy = [w for w in self._workers if w.queue]
        timeout = None
        if self._budget is not None:
            now = time.monotonic()
            timeout = max(0.0, min(w.deadline(self._budget, self._per_mb) for w in busy) - now)
        ready = _readable([w.results for w in busy], [w.process.sentinel for w in busy], timeout)
        for i, worker in enumerate(self._workers):
            if not worker.queue:
                continue
            if worker.results.fileno() in ready or worker.process.sentinel in ready:
                if self._receive(worker, answers):
                    self._replace(i)            # it ran out of memory; the rest go to a fresh one
                elif not worker.process.is_alive():
                    code = worker.process.exitcode
                    self._replace(i, answers, f"worker process died while reading it (exit code {code})")
            elif self._budget is not None and time.monotonic() > worker.deadline(self._budget, self._per_mb):
                allowed = worker.budget(self._budget, self._per_mb)
                self._replace(i, answers, f"timed out: took longer than the time budget of {round(allowed, 1):g} s"
                              + (f" ({self._budget:g} s and {self._per_mb:g} s per MB of its size)"
                                 if allowed - self._budget >= 1 else ""))

    def _receive(self, worker: _Worker, answers: dict[int, Any]) -> bool:
        """Record every answer waiting in the worker's pipe (none more once it has died).
        True when the worker has given up (it answered its last task: `Failure.worker_spent`)."""
        with contextlib.suppress(EOFError, OSError):
            while worker.queue and worker.has_answer():
                answer = pickle.loads(worker.results.recv_bytes())
                if isinstance(answer, _Beside):
                    # its buffers, then its pickle, which takes them as they came (bytes)
                    buffers = [worker.results.recv_bytes() for _ in range(answer.count)]
                    answer = pickle.loads(worker.results.recv_bytes(), buffers=buffers)
                    del buffers
                if isinstance(answer, _StartFailed):
                    raise RuntimeError(f"a worker process could not start: {answer.message}")
                if isinstance(answer, _Ready):
                    worker.ready = True
                    worker.started = time.monotonic()
                    continue
                item = worker.queue.popleft()
                worker.started = time.monotonic()
                if item.parts and isinstance(answer, Failure):
                    # a bundle's task went over the memory limit: its tasks go again, one by
                    # one, to the fresh worker that replaces this one
                    worker.queue.extendleft(reversed(item.parts))
                    return True
                if item.parts:
                    for part, one in zip(item.parts, answer, strict=True):
                        answers[part.seq] = one
                else:
                    answers[item.seq] = answer
                if isinstance(answer, Failure) and answer.worker_spent:
                    return True
        return False

    def _replace(self, index: int, answers: dict[int, Any] | None = None, message: str | None = None) -> None:
        """Kill the worker and give the tasks queued in it to a fresh one; with `message`,
        its current task fails with it instead (it hung or killed the worker)."""
        old = self._workers[index]
        old.stop(kill=True)
        if old.queue and message is not None:
            assert answers is not None, "a worker's task fails only in _collect"
            head = old.queue.popleft()
            if head.parts:
                # which of a bundle's tasks hung or killed the worker is not known: each is
                # sent again alone, and the one that does it again fails as it would have
                old.queue.extendleft(reversed(head.parts))
            else:
                answers[head.seq] = Failure(message)
        fresh = self._start()
        for item in old.queue:
            fresh.send(item)
        self._workers[index] = fresh


def _readable(conns: list[Connection], sentinels: list[int], timeout: float | None) -> set[int]:
    """The file descriptors of `conns` (by `fileno()`) and the process `sentinels` that have
    something to read or have reached their end, once one has or `timeout` seconds have
    passed (None: no limit). One `select.poll` call where there is poll: `multiprocessing.
    connection.wait` builds and fills a selector every time (36 us against 3 us, once for
    every answer a run waits for)."""
    if not hasattr(select, "poll"):
        found = wait([*conns, *sentinels], timeout)
        return {x if isinstance(x, int) else x.fileno() for x in found}
    poller = select.poll()
    for fd in [c.fileno() for c in conns] + sentinels:
        poller.register(fd, select.POLLIN)     # an end (POLLHUP) is reported unasked
    # in milliseconds, rounded up as `selectors` does: never a busy loop of zero waits
    return {fd for fd, _ in poller.poll(None if timeout is None else math.ceil(timeout * 1000))}


def _poller_of(conn: Connection) -> Any:
    """A `select.poll` object watching `conn` for something to read (an end of the pipe
    included: poll reports a hang-up unasked), or None where there is none (Windows). Asking
    it takes 1 us; `Connection.poll` builds and registers a new selector every time (13-18
    us, asked twice for every document)."""
    if not hasattr(select, "poll"):
        return None
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    return poller


def _widen(conn: Connection) -> None:
    """Let the pipe behind `conn` hold RESULT_PIPE_BYTES (Linux only; a no-op elsewhere)."""
    try:
        import fcntl
        resize = fcntl.F_SETPIPE_SZ        # type: ignore[attr-defined, unused-ignore]  # Linux only
    except (ImportError, AttributeError):
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(conn.fileno(), resize, RESULT_PIPE_BYTES)

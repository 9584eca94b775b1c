"""pool.WorkerPool: answers in task order, and a task that fails, hangs or kills its worker
costs that task only.

Tasks are small commands so that each case reads as a table: ("echo", x) answers x,
("sleep", s) sleeps s seconds, ("raise", msg) raises, ("exit", code) ends the worker
process at once, ("allocate", mb) holds that many MB for a moment, ("pid", x) answers the
worker's process id, ("session", path) starts a program in a session of its own (as
LibreOffice is started), writes its pid to `path` and waits for it. Workers are forked so
that they see this module's functions.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch.pool import Failure, WorkerPool, beside, child_session

from conftest import process_alive

FORK = multiprocessing.get_context("fork")


def _ready() -> None:
    pass


def _broken_start() -> None:
    raise ValueError("no rules here")


def _do(task: tuple[str, object]) -> object:
    verb, arg = task
    if verb == "sleep":
        time.sleep(float(arg))          # type: ignore[arg-type]
        return arg
    if verb == "raise":
        raise ValueError(arg)
    if verb == "exit":
        os._exit(int(arg))              # type: ignore[call-overload]
    if verb == "allocate":
        held = bytearray(int(arg) * 1024 * 1024)    # type: ignore[call-overload]
        return len(held) // (1024 * 1024)
    if verb == "pid":
        return os.getpid()
    if verb == "beside":               # each size's bytes sent beside the answer's pickle
        return [beside(bytes([65 + i]) * n) for i, n in enumerate(arg)]   # type: ignore[arg-type]
    if verb == "heap":
        return _mapped_apart_mb()
    if verb == "session":
        program = subprocess.Popen(["sleep", "600"], start_new_session=True)
        Path(str(arg)).write_text(str(program.pid))
        with child_session(program.pid):
            program.wait()
    return arg


def _mapped_apart_mb() -> int:
    """MB of 40 blocks of 1 MB that glibc mapped apart from its heap (mallinfo2's hblkhd: such
    blocks are unmapped, given back to the system, when freed), after an 8 MB block was freed
    (which makes glibc, left to itself, put every block below 8 MB in its heap, where a freed
    block stays resident). Counted by glibc, not by the resident memory, which the machine's
    memory pressure moves."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

    mallinfo2 = ctypes.CDLL(None).mallinfo2
    mallinfo2.restype = MallInfo2
    big = b"x" * (8 * MB)
    del big
    before = mallinfo2().hblkhd
    blocks = [bytes([i]) * MB for i in range(40)]
    mapped = mallinfo2().hblkhd - before
    del blocks
    return round(mapped / MB)


def answers(tasks, *, workers=2, budget=None, most_tasks=8, memory=None):  # type: ignore[no-untyped-def]
    with WorkerPool(workers, _do, _ready, (), context=FORK, time_budget=budget, memory_limit=memory) as pool:
        return [(task, answer) for task, answer in
                pool.map(tasks, lambda task: 1, most_tasks=most_tasks, most_bytes=1 << 20)]


def shown(answer: object) -> object:
    return f"Failure: {answer.message}" if isinstance(answer, Failure) else answer


CASES = [
    # tasks                                              -> what each task gets back
    ([("echo", i) for i in range(40)],                       list(range(40))),
    ([("sleep", 0.3), ("echo", "b"), ("sleep", 0.0), ("echo", "d")], [0.3, "b", 0.0, "d"]),
    ([("echo", 1), ("raise", "bad table"), ("echo", 3)],     [1, "Failure: ValueError: bad table", 3]),
    ([("echo", 1), ("exit", 3), ("echo", 3), ("echo", 4)],
     [1, "Failure: worker process died while reading it (exit code 3)", 3, 4]),
    ([("sleep", 30), ("echo", 2), ("echo", 3), ("echo", 4)],
     ["Failure: timed out: took longer than the time budget of 1 s", 2, 3, 4]),
]


@pytest.mark.parametrize(("tasks", "expected"), CASES)
def test_answers_in_task_order(tasks, expected):
    started = time.monotonic()
    got = answers(tasks, budget=1)
    assert [task for task, _ in got] == tasks
    assert [shown(answer) for _, answer in got] == expected
    assert time.monotonic() - started < 20, "a hanging task is cut off at its budget"


def test_a_larger_task_gets_more_time_per_mb_of_its_size():
    """A task's budget is the time budget plus `time_per_mb` for every MB of its size: a
    task of 4 MB that takes 1.5 s fits in 1 s + 0.5 s a MB; one of no size does not, and its
    message gives the budget it had."""
    size = {1.5: 4 * MB, 1.6: 0}            # bytes, by the task's sleep
    tasks = [("sleep", 1.5), ("sleep", 1.6)]
    with WorkerPool(2, _do, _ready, (), context=FORK, time_budget=1, time_per_mb=0.5) as pool:
        got = list(pool.map(tasks, lambda task: size[task[1]], most_tasks=8, most_bytes=1 << 30))
    assert [shown(a) for _, a in got] == [1.5, "Failure: timed out: took longer than the time budget of 1 s"]
    with WorkerPool(1, _do, _ready, (), context=FORK, time_budget=1, time_per_mb=0.5) as pool:
        got = list(pool.map([("sleep", 30)], lambda task: 4 * MB, most_tasks=8, most_bytes=1 << 30))
    assert [shown(a) for _, a in got] == [
        "Failure: timed out: took longer than the time budget of 3 s (1 s and 0.5 s per MB of its size)"]


def test_one_worker_survives_a_death_and_a_timeout_in_a_row():
    tasks = [("exit", 9), ("sleep", 30), ("echo", "after")]
    got = [shown(a) for _, a in answers(tasks, workers=1, budget=1)]
    assert got[0].endswith("(exit code 9)") and got[1].startswith("Failure: timed out")
    assert got[2] == "after"


def test_no_more_than_most_tasks_are_out_at_once():
    drawn = 0
    most_ahead = 0

    def tasks():  # type: ignore[no-untyped-def]
        nonlocal drawn
        for i in range(30):
            drawn += 1
            yield ("echo", i)

    with WorkerPool(2, _do, _ready, (), context=FORK, time_budget=None) as pool:
        for yielded, (_, answer) in enumerate(pool.map(tasks(), lambda t: 1, most_tasks=3,
                                                       most_bytes=1 << 20), start=1):
            most_ahead = max(most_ahead, drawn - yielded)
            assert answer == yielded - 1
    assert most_ahead <= 3


def test_a_worker_that_cannot_start_stops_the_run_with_its_reason():
    with pytest.raises(RuntimeError, match="could not start: ValueError: no rules here"), \
            WorkerPool(1, _do, _broken_start, (), context=FORK, time_budget=None) as pool:
        list(pool.map([("echo", 1)], lambda t: 1, most_tasks=2, most_bytes=1 << 20))


MB = 1024 * 1024
MEMORY_CASES = [
    # tasks, with each worker limited to 2048 MB            -> what each task gets back
    ([("allocate", 10), ("allocate", 65536), ("echo", 3)],   [10, "Failure: over the memory limit of 2048 MB", 3]),
    ([("allocate", 65536), ("allocate", 65536), ("allocate", 50)],
     ["Failure: over the memory limit of 2048 MB"] * 2 + [50]),
]


# the limit is RLIMIT_DATA on Linux; elsewhere 64 GB would really be asked for
LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the limit tested is RLIMIT_DATA")


@LINUX_ONLY
@pytest.mark.parametrize(("tasks", "expected"), MEMORY_CASES)
def test_a_task_over_the_memory_limit_fails_alone(tasks, expected):
    got = answers(tasks, workers=1, memory=2048 * MB)
    assert [shown(answer) for _, answer in got] == expected


@LINUX_ONLY
def test_a_forked_worker_is_limited_on_what_it_adds_not_on_its_parents_heap():
    # the parent holds more than the limit when it forks (a long test process, a big writer):
    # the worker still starts and answers, and a task over the limit still fails alone
    held = bytearray(300 * MB)
    try:
        got = answers([("allocate", 10), ("allocate", 65536), ("echo", 3)], workers=1, memory=200 * MB)
    finally:
        del held
    assert [shown(answer) for _, answer in got] == [10, "Failure: over the memory limit of 200 MB", 3]


@LINUX_ONLY
def test_the_worker_that_ran_out_of_memory_is_replaced():
    got = [a for _, a in answers([("pid", 1), ("allocate", 65536), ("pid", 2), ("pid", 3)], workers=1,
                                 memory=2048 * MB)]
    before, failed, after, later = got
    assert isinstance(failed, Failure) and failed.worker_spent
    assert before != after == later, "a fresh worker takes the tasks after the failed one"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_program_in_its_own_session_dies_with_its_timed_out_worker(tmp_path):
    pid_file = tmp_path / "pid"
    got = answers([("session", str(pid_file)), ("echo", 2)], workers=1, budget=2)
    assert [shown(a) for _, a in got] == ["Failure: timed out: took longer than the time budget of 2 s", 2]
    program = int(pid_file.read_text())
    for _ in range(100):                # SIGKILL is delivered asynchronously
        if not process_alive(program):
            break
        time.sleep(0.05)
    assert not process_alive(program), "the program the timed-out worker started is killed with it"


def test_closing_asks_every_worker_to_end_before_waiting_for_any(monkeypatch):
    """Workers asked one after another would each end (and be waited for) in turn."""
    from pipeline.batch import pool as pool_module

    events: list[str] = []
    ask, join = pool_module._Worker.ask_to_stop, pool_module._Worker.stop
    names: dict[int, str] = {}
    monkeypatch.setattr(pool_module._Worker, "ask_to_stop",
                        lambda self: events.append(f"ask {names[id(self)]}") or ask(self))
    monkeypatch.setattr(pool_module._Worker, "stop",
                        lambda self, *, kill: events.append(f"stop {names[id(self)]}") or join(self, kill=kill))
    pool = WorkerPool(2, _do, _ready, (), context=FORK, time_budget=None)
    for i, worker in enumerate(pool._workers):
        names[id(worker)] = str(i)
    processes = [w.process for w in pool._workers]
    assert [a for _, a in pool.map([("echo", 1), ("echo", 2)], lambda t: 1, most_tasks=4, most_bytes=10)] == [1, 2]
    pool.close()
    assert events[:3] == ["ask 0", "ask 1", "stop 0"]
    assert [p.exitcode for p in processes] == [0, 0]     # ended as asked, not killed


class _Counting:
    """A start-method context that counts the processes started with it."""

    def __init__(self, context):  # type: ignore[no-untyped-def]
        self._context = context
        self.started = 0

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self._context, name)

    def Process(self, *args, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N802 - multiprocessing's name
        self.started += 1
        return self._context.Process(*args, **kwargs)


def test_a_worker_that_replaces_one_starts_with_the_replacement_context():
    first, later = _Counting(FORK), _Counting(FORK)
    with WorkerPool(1, _do, _ready, (), context=first, replacement_context=later, time_budget=None) as pool:
        got = [a for _, a in pool.map([("exit", 3), ("echo", 2)], lambda t: 1, most_tasks=1, most_bytes=10)]
    assert isinstance(got[0], Failure) and got[1] == 2
    assert (first.started, later.started) == (1, 1)


@pytest.mark.parametrize(("sizes", "same_worker_as_first"), [
    # bytes of each task in turn     which tasks go to the worker of the first one
    ((100, 1, 1, 1),                 (True, False, False, False)),
    ((1, 1, 1, 1),                   (True, False, True, False)),
    ((5, 1, 1, 1, 1, 1, 1),          (True, False, False, False, False, False, True)),
])
def test_a_task_goes_to_the_worker_with_the_fewest_bytes_queued(sizes, same_worker_as_first):
    tasks = [("pid", size) for size in sizes]
    with WorkerPool(2, _do, _ready, (), context=FORK, time_budget=None) as pool:
        pids = [a for _, a in pool.map(tasks, lambda t: int(t[1]), most_tasks=len(tasks), most_bytes=10_000)]
    assert tuple(pid == pids[0] for pid in pids) == same_worker_as_first


@pytest.mark.parametrize(("in_pipe", "expected"), [
    # what the worker's result pipe holds          an answer waits
    ("nothing",                                    False),
    ("an answer",                                  True),
    ("nothing, and the worker's end is closed",    True),     # read: EOFError, the worker died
])
def test_a_waiting_answer_is_seen_without_blocking(in_pipe, expected):
    from pipeline.batch import pool

    results, result_end = FORK.Pipe(duplex=False)
    worker = pool._Worker.__new__(pool._Worker)     # its pipe alone: no process started
    worker.results, worker._answers = results, pool._poller_of(results)
    if in_pipe == "an answer":
        result_end.send_bytes(b"x")
    elif in_pipe.endswith("closed"):
        result_end.close()
    assert worker.has_answer() is expected
    assert results.poll() is expected           # what multiprocessing's own poll says


@pytest.mark.parametrize(("pipes", "process", "ready"), [
    # each result pipe holds                      the worker process   ready (pipes by index, "exit")
    (["nothing"],                                 "running",           []),
    (["an answer"],                               "running",           [0]),
    (["nothing", "an answer"],                    "running",           [1]),
    (["an answer", "an answer"],                  "running",           [0, 1]),
    (["nothing, and the worker's end is closed"], "running",           [0]),      # the worker died
    (["nothing"],                                 "ended",             ["exit"]),
    (["an answer"],                               "ended",             [0, "exit"]),
])
def test_the_answers_waited_for_are_those_multiprocessing_wait_sees(pipes, process, ready):
    from multiprocessing.connection import wait

    from pipeline.batch import pool

    ends = []
    for held in pipes:
        results, result_end = FORK.Pipe(duplex=False)
        if held == "an answer":
            result_end.send_bytes(b"x")
        elif held.endswith("closed"):
            result_end.close()
        ends.append((results, result_end))
    worker = FORK.Process(target=time.sleep if process == "running" else os._exit,
                          args=(60,) if process == "running" else (0,), daemon=True)
    worker.start()
    if process == "ended":
        worker.join()
    try:
        conns = [r for r, _ in ends]
        found = pool._readable(conns, [worker.sentinel], 0.0)
        expected = {conns[i].fileno() if i != "exit" else worker.sentinel for i in ready}
        assert found == expected
        reference = wait([*conns, worker.sentinel], 0.0)
        assert found == {x if isinstance(x, int) else x.fileno() for x in reference}
    finally:
        worker.kill()
        worker.join()


@pytest.mark.parametrize(("workers", "sizes", "worker_bytes", "most_queued"), [
    # workers  each task's size  bytes a worker may have queued  most tasks queued in one worker
    (1,        [300] * 10,       1000,                           4),     # 0, 300, 600, 900 < 1000: a 4th
    (1,        [300] * 10,       None,                           8),     # only most_tasks bounds it
    (1,        [5000] * 3,       1000,                           1),     # big tasks: one at a time
    (1,        [1] * 20,         1000,                           8),     # small tasks: most_tasks bounds
    (2,        [400] * 20,       1000,                           3),     # 0, 400, 800 in each
])
def test_a_worker_is_sent_no_more_once_enough_bytes_wait_in_its_queue(monkeypatch, workers, sizes,
                                                                      worker_bytes, most_queued):
    from pipeline.batch import pool as pool_module

    queued: list[int] = []
    send = pool_module._Worker.send

    def recorded(self, item):
        send(self, item)
        queued.append(len(self.queue))

    monkeypatch.setattr(pool_module._Worker, "send", recorded)
    tasks = [("sleep", 0.01) for _ in sizes]
    with WorkerPool(workers, _do, _ready, (), context=FORK, time_budget=None) as pool:
        sized = iter(sizes)
        got = [a for _, a in pool.map(tasks, lambda t: next(sized), most_tasks=8, most_bytes=1 << 30,
                                      worker_bytes=worker_bytes)]
    assert got == [0.01] * len(sizes)
    assert max(queued) == most_queued


def bundled_answers(tasks, *, workers=2, budget=None, memory=None, bundle_tasks=4):  # type: ignore[no-untyped-def]
    with WorkerPool(workers, _do, _ready, (), context=FORK, time_budget=budget, memory_limit=memory) as pool:
        return [(task, answer) for task, answer in
                pool.map(tasks, lambda task: 1, most_tasks=8, most_bytes=1 << 20,
                         bundle_tasks=bundle_tasks, bundle_bytes=3)]


@pytest.mark.parametrize(("tasks", "expected"), [
    *CASES,
    # a bundle's task that raises fails alone; one that kills the worker or hangs fails alone
    # once its bundle is sent again one task at a time
    ([("echo", 1), ("echo", 2), ("exit", 5), ("echo", 4), ("echo", 5)],
     [1, 2, "Failure: worker process died while reading it (exit code 5)", 4, 5]),
    ([("echo", 1), ("echo", 2), ("sleep", 30), ("echo", 4)],
     [1, 2, "Failure: timed out: took longer than the time budget of 1 s", 4]),
    ([("echo", 1), ("raise", "bad"), ("raise", "worse"), ("echo", 4)],
     [1, "Failure: ValueError: bad", "Failure: ValueError: worse", 4]),
])
def test_tasks_sent_in_bundles_get_what_tasks_sent_alone_get(tasks, expected):
    """Three tasks of size 1 to a bundle (bundle_bytes 3): the same answers, in the same order,
    and the same failures, as the table above sent one task a message."""
    got = bundled_answers(tasks, budget=1)
    assert [task for task, _ in got] == tasks
    assert [shown(answer) for _, answer in got] == expected


@LINUX_ONLY
def test_a_bundle_over_the_memory_limit_is_sent_again_one_task_at_a_time():
    tasks = [("echo", 1), ("allocate", 65536), ("echo", 3), ("echo", 4)]
    got = [shown(a) for _, a in bundled_answers(tasks, workers=1, memory=2048 * MB)]
    assert got == [1, "Failure: over the memory limit of 2048 MB", 3, 4]


@pytest.mark.parametrize(("sizes", "bundle_tasks", "bundle_bytes", "messages"), [
    # each task's size   most tasks  most bytes  tasks of each message sent
    ([1] * 10,           4,          100,        [4, 4, 2]),
    ([1] * 10,           1,          100,        [1] * 10),         # bundles off
    ([1, 1, 50, 1, 1],   4,          10,         [2, 1, 2]),         # a big task goes alone
    ([4, 4, 4, 4],       4,          10,         [2, 2]),            # bytes bound a bundle
    ([1],                4,          100,        [1]),               # one task is no bundle
])
def test_small_tasks_in_a_row_go_as_one_message(monkeypatch, sizes, bundle_tasks, bundle_bytes, messages):
    from pipeline.batch import pool as pool_module

    sent: list[int] = []
    send = pool_module._Worker.send

    def recorded(self, item):
        send(self, item)
        sent.append(len(item.members()))

    monkeypatch.setattr(pool_module._Worker, "send", recorded)
    tasks = [("echo", i) for i in range(len(sizes))]
    with WorkerPool(1, _do, _ready, (), context=FORK, time_budget=None) as pool:
        got = list(pool.map(tasks, lambda t: sizes[t[1]], most_tasks=8, most_bytes=1 << 30,
                            bundle_tasks=bundle_tasks, bundle_bytes=bundle_bytes))
    assert got == [(t, t[1]) for t in tasks]
    assert sent == messages


@pytest.mark.parametrize(("sizes", "bundle_tasks"), [
    # bytes marked `beside` come back as bytes, the same, alone or in a bundle of answers
    ([3], 1),
    ([0, 5], 1),                        # empty, and two in one answer
    ([5 * MB, 1], 1),                   # more than the result pipe holds (1 MB)
    ([2 * MB], 4),                      # in bundles, beside other tasks' answers
])
def test_data_sent_beside_an_answer_arrives_as_it_was(sizes, bundle_tasks):
    tasks = [("echo", 1), ("beside", tuple(sizes)), ("raise", "bad"), ("beside", tuple(sizes[::-1])), ("echo", 5)]
    got = [shown(a) for _, a in bundled_answers(tasks, workers=1, bundle_tasks=bundle_tasks)]
    assert got == [1, [bytes([65 + i]) * n for i, n in enumerate(sizes)], "Failure: ValueError: bad",
                   [bytes([65 + i]) * n for i, n in enumerate(sizes[::-1])], 5]
    assert all(type(b) is bytes for b in got[1] + got[3])


GLIBC_ONLY = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's heap thresholds")


@GLIBC_ONLY
@pytest.mark.parametrize(("lean", "mapped_at_least", "mapped_at_most"), [
    # a worker's heap: the 1 MB blocks are mapped apart, unmapped when freed (40 in a fresh process;
    # 38 in the full suite, where the forked worker's heap held free room from the tests before,
    # which glibc uses first)
    (True, 20, 41),
    (False, 0, 1),          # glibc left to itself: they go into its heap, resident once freed
])
def test_a_worker_maps_big_blocks_apart_to_give_them_back_when_freed(monkeypatch, lean, mapped_at_least,
                                                                     mapped_at_most):
    from pipeline.batch import pool as pool_module

    if not lean:
        monkeypatch.setattr(pool_module, "_lean_heap", lambda: None)
    [(_, mapped)] = answers([("heap", None)], workers=1)
    assert mapped_at_least <= mapped <= mapped_at_most

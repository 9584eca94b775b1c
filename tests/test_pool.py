"""pool.WorkerPool: answers in task order, and a task that fails, hangs or kills its worker
costs that task only.

Tasks are small commands so that each case reads as a table: ("echo", x) answers x,
("sleep", s) sleeps s seconds, ("raise", msg) raises, ("exit", code) ends the worker
process at once. Workers are forked so that they see this module's functions.
"""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from pipeline.pool import Failure, WorkerPool

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
    return arg


def answers(tasks, *, workers=2, budget=None, most_tasks=8):  # type: ignore[no-untyped-def]
    with WorkerPool(workers, _do, _ready, (), context=FORK, time_budget=budget) as pool:
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

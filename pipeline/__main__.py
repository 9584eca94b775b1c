"""The `keyproj` command (the console script's entry point, and `python -m pipeline`): a
plain `keyproj run` is read and run without typer (`pipeline/command.py`), every other
command line by typer (`pipeline/cli.py`)."""

from __future__ import annotations

import sys

from pipeline.command import exit_now, plain_run_options, run_local, say


def main() -> None:
    options = plain_run_options(sys.argv[1:])
    if options is None:
        from pipeline.cli import main as typer_main

        typer_main()
        return
    try:
        run_local(**options)
    except SystemExit as done:
        exit_now(done.code)
    except (KeyboardInterrupt, EOFError):
        say("\nAborted!")          # as click ends a command stopped before its run took over
        exit_now(1)
    exit_now(0)


if __name__ == "__main__":
    main()

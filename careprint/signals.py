"""Stopping a command cleanly: SIGTERM is handled like Ctrl-C, and a file size limit fails a write with a message.

Why apart from the command line: a clinic's scheduler stops builds with SIGTERM, and a shared server may set
`ulimit -f`; either must end with the workers stopped, the manifest exact and one line of explanation, never a
traceback or a half-written file. The build itself does the cleaning up (careprint.build, careprint.workers);
this only turns the signals into exceptions it already handles.
"""

from __future__ import annotations

import contextlib
import signal
import threading


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as cleanly as for Ctrl-C."""

    exit_code = 128 + signal.SIGTERM


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


@contextlib.contextmanager
def stop_signals():
    """SIGTERM stops a command the way Ctrl-C does (workers stopped, manifest exact, one line); a file size limit
    (ulimit -f) fails the write with a message instead of killing the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, _on_sigterm)}
    if hasattr(signal, "SIGXFSZ"):
        previous[signal.SIGXFSZ] = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)

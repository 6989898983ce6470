"""Progress on stderr: one line per step, with elapsed time; on a terminal, the current line
also shows a moving bar and the seconds spent in the step, refreshed while it runs."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import TextIO

_FRAMES = ("▏", "▎", "▍", "▌", "▋", "▊", "▉", "█")


class Progress:
    def __init__(self, stream: TextIO, *, interval: float = 0.5) -> None:
        self.stream = stream
        self.interval = interval
        self.started = time.monotonic()
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self._message = ""
        self._step_started = self.started
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __call__(self, message: str) -> None:
        with self._lock:
            if self.live and self._message:
                self.stream.write("\n")
            self._message = message
            self._step_started = time.monotonic()
            self.stream.write(f"[{self._step_started - self.started:6.1f} s] {message}")
            if not self.live:
                self.stream.write("\n")
            self.stream.flush()
        if self.live and self._thread is None:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def _tick(self) -> None:
        frame = 0
        while not self._stop.wait(self.interval):
            with self._lock:
                spent = time.monotonic() - self._step_started
                if spent < 1:
                    continue
                bar = "".join(_FRAMES[(frame + i) % len(_FRAMES)] for i in range(6))
                at = self._step_started - self.started
                self.stream.write(f"\r[{at:6.1f} s] {self._message} {bar} {spent:4.0f} s")
                self.stream.flush()
                frame += 1

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        with self._lock:
            if self.live and self._message:
                self.stream.write("\n")
                self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

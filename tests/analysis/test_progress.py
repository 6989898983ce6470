import io
import time

from palabre_analysis.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_stream_gets_one_line_per_step():
    stream = io.StringIO()
    with Progress(stream) as progress:
        progress("Lecture…")
        progress("Sujets…")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].endswith("Lecture…") and lines[1].endswith("Sujets…")


def test_terminal_gets_a_live_bar_for_long_steps():
    stream = Terminal()
    with Progress(stream, interval=0.05) as progress:
        progress("Recherche des sujets…")
        time.sleep(1.3)
    text = stream.getvalue()
    assert "\r" in text and "█" in text and text.endswith("\n")

"""Another connection doing something and holding its transaction open (its locks with it) while
the test runs, as a concurrent write or worker would."""

import threading
from collections.abc import Callable

from django.db import connection, transaction


class HeldElsewhere:
    def __init__(self, hold: Callable[[], object]):
        self.hold, self.started, self.release = hold, threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        try:
            with transaction.atomic():
                self.hold()
                self.started.set()
                self.release.wait(10)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.started.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join()

"""gunicorn's settings for every way the app is served (docker/ and `make bench` start gunicorn in
this directory, where gunicorn reads this file by default); the command line adds the rest."""

import gc


def post_worker_init(worker):
    """Once the app is loaded: its modules, settings and caches (hundreds of thousands of objects
    that live as long as the worker) leave the garbage collector's view. A full collection then
    walks only what requests made, so it no longer stalls a request for tens of milliseconds."""
    gc.freeze()

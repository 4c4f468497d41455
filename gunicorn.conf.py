"""gunicorn's settings for this app: gunicorn reads this file from the directory it is started in."""

import gc


def post_worker_init(worker):
    # Django and the app are loaded (some 100,000 objects): out of the cyclic garbage collector's reach from now
    # on, so that a full collection during a request scans what requests made, not the framework. Measured, a full
    # collection over the loaded app took about 60 ms, which showed as the slowest of every twenty dashboards.
    gc.freeze()

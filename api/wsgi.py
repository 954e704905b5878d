"""granian --interface wsgi api.wsgi:app (any WSGI server will do)"""
import gc

from . import create_app

app = create_app()
# Everything alive now lives as long as the process: keep it out of the collector, or
# every full collection walks ~90k objects (~80 ms measured) in the middle of a request.
gc.collect()
gc.freeze()

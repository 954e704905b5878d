"""granian --interface wsgi api.wsgi:app (any WSGI server will do)"""
from . import create_app

app = create_app()

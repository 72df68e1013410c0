"""gunicorn settings for Koers: ``gunicorn -c python:koers.gunicorn_conf koers.wsgi:application``.

gunicorn names itself in the ``Server`` header of every answer and has no setting to
change that; a visitor needs to know neither the software nor its version, so answers
say ``Server: Koers``. Options on the command line (``--workers``, ``--bind`` …) still apply.
"""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "Koers"

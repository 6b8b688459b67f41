"""The HTTP layer: the only code that imports `requests`.

`Client` speaks the whole webservice (login, retries, error mapping); `connection` holds the
process-wide default client; `wsgi` lets a client call a WSGI app in-process. Nothing here
knows about models or queries.
"""

from vtorm.client.client import Client

__all__ = ["Client"]

"""A small OpenID Connect provider for the tests: django-oauth-toolkit's own provider in a Django
project of its own, started as a separate process on 127.0.0.1 (see `running`)."""

"""Helpers that several apps share and that own no models: optimistic locking and working-time
calendars. Nothing here imports an app, so every app may import it."""

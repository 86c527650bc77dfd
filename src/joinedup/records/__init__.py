"""Subject access, retention, legal holds and erasure."""

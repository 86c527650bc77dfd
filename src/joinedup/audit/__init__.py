"""The hash-chained audit trail, its check, and the data protection officer's audit pages."""

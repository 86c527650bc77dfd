"""The multi-agency chronology of significant events, and the pattern alerts raised from it."""

"""Requests for support: anyone's concern about a child or family, triaged by the front door
(ratings, working-hour timescales, decisions with reasons, timeliness)."""

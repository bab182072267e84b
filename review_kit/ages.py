"""How old a fetched copy is, in words a reader takes in at a glance."""

from __future__ import annotations

from datetime import UTC, datetime


def age_of(fetched_at: str | None, now: datetime | None = None) -> str:
    """'3 h 12 min' style age of an ISO timestamp."""
    if not fetched_at:
        return "unknown age"
    then = datetime.fromisoformat(fetched_at)
    seconds = int(((now or datetime.now(UTC)) - then).total_seconds())
    if seconds < 120:
        return f"{max(seconds, 0)} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60} min"
    return f"{hours // 24} days"

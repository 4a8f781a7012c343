"""What scripts/faults and scripts/fuzz share: running processes, a throwaway PostgreSQL, the HTTP API, loads and
the checks made of the database afterwards. REPO and CheckFailed live here because every module needs them."""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


class CheckFailed(Exception):
    """A scenario cannot go on: a wait ran out, or something it needs did not happen."""

"""Where the repository and its demo content are, for tests (the code under test never assumes it
runs from a checkout)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

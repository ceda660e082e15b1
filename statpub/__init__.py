"""statpub: the release calendar, the embargo gate and the shared rules of the platform."""

__version__ = "0.1.0"

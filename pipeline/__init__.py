"""zhnews: a Chinese news-corpus pipeline for research on medical-worker welfare."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("zhnews")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

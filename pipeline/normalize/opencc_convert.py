"""OpenCC conversion through the official ``opencc`` binding, one converter per config per process."""

from __future__ import annotations

import functools

#: Configs the pipeline accepts (file names of OpenCC's bundled JSON configs, without .json).
SUPPORTED_CONFIGS = ("t2s", "tw2sp", "hk2s", "tw2s", "s2t", "s2tw", "s2hk")


@functools.cache
def get_converter(config: str = "t2s"):  # -> opencc.OpenCC
    """The process-wide converter for ``config`` (created on first use)."""
    if config not in SUPPORTED_CONFIGS:
        raise ValueError(f"unsupported OpenCC config {config!r}; choose from {SUPPORTED_CONFIGS}")
    import opencc

    return opencc.OpenCC(f"{config}.json")


def convert(text: str, config: str = "t2s") -> str:
    """Convert ``text`` with OpenCC ``config`` (Traditional to Simplified by default)."""
    return get_converter(config).convert(text)

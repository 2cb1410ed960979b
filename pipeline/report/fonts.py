"""Make matplotlib draw Chinese labels with an installed CJK font instead of empty boxes."""

from __future__ import annotations

import warnings
from pathlib import Path

#: Family names tried in order (Debian: fonts-noto-cjk, fonts-wqy-*; macOS and Windows fonts last).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Serif CJK SC",
    "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN", "SimHei", "Microsoft YaHei",
    "PingFang SC", "Heiti SC", "Arial Unicode MS",
)
#: Substrings of font file names that hold CJK glyphs (for fonts installed after matplotlib's cache).
_FILE_HINTS = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqy", "droidsansfallback", "uming", "ukai",
               "simhei", "msyh", "pingfang")

_chosen: list[str | None] = []


def _installed() -> dict[str, str]:
    from matplotlib import font_manager

    return {f.name: f.fname for f in font_manager.fontManager.ttflist}


def _register_new_files() -> None:
    """Add CJK font files matplotlib's cached font list does not know yet."""
    from matplotlib import font_manager

    known = {Path(f.fname).name for f in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        name = Path(path).name
        if name not in known and any(h in name.lower().replace("-", "").replace("_", "") for h in _FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue


def find_cjk_font() -> str | None:
    """The family name of the first installed CJK font, or None."""
    installed = _installed()
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    _register_new_files()
    installed = _installed()
    return next((family for family in CJK_FAMILIES if family in installed), None)


def use_cjk_font() -> str | None:
    """Put a CJK font first in matplotlib's sans-serif list; warn (once) when there is none.

    Returns the family used.  Safe to call repeatedly; the search runs once per process.
    """
    import matplotlib

    if not _chosen:
        family = find_cjk_font()
        _chosen.append(family)
        if family is None:
            warnings.warn(
                "no CJK font found for matplotlib: Chinese labels will show as boxes "
                "(install fonts-noto-cjk or fonts-wqy-zenhei)", RuntimeWarning, stacklevel=2)
    family = _chosen[0]
    if family:
        current = [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
        matplotlib.rcParams["font.sans-serif"] = [family, *current]
        matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family

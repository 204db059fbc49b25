"""Region-code arithmetic: the one place that knows how codes nest.

Statistical codes grow by a fixed number of digits per level (GB/T 2260 for province,
city and county, the 12-digit statistical codes for township and village); grids are
local, numbered with three more digits under their village. So a region's ancestors
are the prefixes of its code at each level's length, and a region lies in another's
subtree exactly when its code starts with the other's code. Pure string functions,
no database.
"""

import os
from collections.abc import Iterable

from .choices import RegionLevel

LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
    RegionLevel.GRID: 15,
}
LENGTHS = tuple(sorted(LENGTH.values()))
MAX_LENGTH = LENGTHS[-1]
_LEVEL_OF_LENGTH = {n: level for level, n in LENGTH.items()}


def level_of(code: str) -> RegionLevel | None:
    """The level whose codes have this many digits (None for any other length)."""
    return _LEVEL_OF_LENGTH.get(len(code))


def prefixes(code: str) -> list[str]:
    """The codes of a region's ancestors and of the region itself, widest first: the
    code's prefixes at each level's length (a length that is no level is not included,
    so "33108" gives ["33", "3310"])."""
    return [code[:n] for n in LENGTHS if n <= len(code)]


def ancestors(code: str) -> list[str]:
    """The codes of the regions above `code`, widest first (the code itself left out)."""
    return [code[:n] for n in LENGTHS if n < len(code)]


def subtree_bounds(code: str) -> tuple[str, str]:
    """The lowest and highest codes in the subtree of `code`: "code in the subtree"
    as a range rather than LIKE 'code%'. Digits sort the same in every collation, so
    PostgreSQL uses the plain b-tree index on the column."""
    return code, code + "9" * (MAX_LENGTH - len(code))


def parent(code: str) -> str:
    """The code of the region directly above `code` ("" for a province or shorter)."""
    above = ancestors(code)
    return above[-1] if above else ""


def common_region(codes: Iterable[str]) -> str:
    """The code of the smallest region containing every one of `codes`, snapped to a
    real level ("" when no region does, or when there are no codes): 331081 and 331082
    share the county-less "33108", which is no region, so their common region is 3310."""
    codes = list(codes)
    if not codes:
        return ""
    shared = prefixes(os.path.commonprefix(codes))
    return shared[-1] if shared else ""


def in_subtree(code: str, root: str) -> bool:
    """Whether the region `code` is `root` or lies under it."""
    return code.startswith(root)

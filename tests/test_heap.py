"""Pages freed go back to the system: glibc keeps mapping large blocks on their own."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import pytest

from .conftest import PROJECT_ROOT

# How a page-sized buffer is served after a larger block was freed, in a fresh interpreter:
# prints 1 when it got its own mapping (given back when freed), 0 when it came from the heap.
SCRIPT = """
import ctypes, sys
class MallInfo(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks",
                "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo
if sys.argv[1] == "fixed":
    from newscrawler.heap import map_large_blocks
    assert map_large_blocks()
big = bytearray(4 << 20)
del big  # freeing it raises glibc's threshold to 4 MiB unless it is fixed
mapped = libc.mallinfo2().hblks
page = bytearray(300 << 10)
print(libc.mallinfo2().hblks - mapped)
"""


def served(mode: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


@pytest.mark.skipif(
    not hasattr(ctypes.CDLL(None), "mallinfo2"), reason="glibc's malloc (2.33 or later) only"
)
def test_a_page_freed_after_a_larger_block_still_has_its_own_mapping() -> None:
    assert served("default") == 0  # what the crawl suffered: pages came from the heap
    assert served("fixed") == 1

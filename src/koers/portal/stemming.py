"""Dutch stems for the portal's search, safe when many threads search at once.

A snowballstemmer stemmer is plain Python that keeps the word it is working on in the
object itself (``current``, ``cursor``, ``limit`` …), without a lock: two threads that
share one stemmer read each other's word and get wrong stems or an IndexError. So each
thread has a stemmer of its own (``threading.local``). Stems are cached per word; the
cache (``functools.lru_cache``) is safe between threads, and since each stem is made by
a stemmer no other thread touches, what it caches is always the right stem.
"""

import re
import threading
from functools import lru_cache

from snowballstemmer import stemmer

LONG_VOWEL = re.compile(r"([aeou])\1")
_local = threading.local()


def _dutch():
    """This thread's Dutch stemmer."""
    found = getattr(_local, "dutch", None)
    if found is None:
        found = _local.dutch = stemmer("dutch")
    return found


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A Dutch stem with long vowels made short, so that 'fietspaden' (stem 'fietspaad')
    and 'fietspad', or 'bomen' and 'boom', meet."""
    return LONG_VOWEL.sub(r"\1", _dutch().stemWord(word))

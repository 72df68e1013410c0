"""What a search matches: the same Dutch terms on PostgreSQL and SQLite.

A text is read as PostgreSQL reads it with ``koers_search_vector`` (created by the
migration): tags and character entities out, ASCII punctuation to spaces (so that codes
such as 'G1-01', e-mail addresses and paths are split into their words on both
databases), lower case, then its words: a word of letters only is dropped when it is one of
the ``dutch`` configuration's stop words and otherwise stemmed with the Snowball Dutch
stemmer that PostgreSQL's ``dutch_stem`` uses (``dutch_porter`` in snowballstemmer 3; its
``dutch`` is a newer algorithm); a word with digits stays as it is. A query word matches a
text when one of the text's terms starts with the query word's term (PostgreSQL's
``word:*``); every query word must match.

On SQLite ``terms`` does this in Python: the FTS5 tables hold the terms, written by
triggers through the SQL function ``koers_search_terms`` (registered on each connection by
``koers.search.apps``). On PostgreSQL the database does it, and ``terms`` is what the tests
compare it with.
"""

import re
import string
import threading
from functools import lru_cache

from snowballstemmer import stemmer

TAG = re.compile(r"<[^>]*>")
ENTITY = re.compile(r"&[#0-9A-Za-z]+;")
PUNCTUATION = string.punctuation  # the ASCII punctuation that PostgreSQL's parser glues
SPACES = str.maketrans(PUNCTUATION, " " * len(PUNCTUATION))
WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 12

# PostgreSQL's tsearch_data/dutch.stop (the Snowball project's Dutch stop words).
STOP_WORDS_TEXT = """
    de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er
    maar om hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der
    daar haar naar heb hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets
    worden toch al waren veel meer doen toen moet ben zonder kan hun dus alles onder ja
    eens hier wie werd altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon niets
    uw iemand geweest andere"""
STOP_WORDS = frozenset(STOP_WORDS_TEXT.split())

_local = threading.local()


def _stemmer():
    """This thread's stemmer: a Snowball stemmer keeps its word in the object."""
    found = getattr(_local, "dutch", None)
    if found is None:
        found = _local.dutch = stemmer("dutch_porter")
    return found


@lru_cache(maxsize=100_000)
def term(word: str) -> str | None:
    """The term of one lower-case word: its Dutch stem, itself when it has digits, None for
    a stop word."""
    if not word.isalpha():
        return word
    if word in STOP_WORDS:
        return None
    return _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """The lower-case words of a text (rich text or plain) as the search reads them."""
    plain = ENTITY.sub(" ", TAG.sub(" ", text or ""))
    return WORD.findall(plain.translate(SPACES).lower())


def terms(text: str) -> list[str]:
    """The text's terms, in order (what FTS5 indexes on SQLite)."""
    return [found for found in map(term, words(text)) if found is not None]


def query_words(query: str) -> list[str] | None:
    """The query's words that count (stop words left out), at most ``MAX_QUERY_WORDS``;
    None when nothing was typed but punctuation."""
    typed = words(query)
    if not typed:
        return None
    return [word for word in dict.fromkeys(typed) if term(word) is not None][:MAX_QUERY_WORDS]


def matcher(query: str):
    """A test for one word of a text: does it match a word of the query as the database
    search does (its term starts with the term of a query word)? None: no words typed."""
    wanted = query_words(query)
    if wanted is None:
        return None
    starts = tuple(term(word) for word in wanted)

    def test(word: str) -> bool:
        if not starts:
            return False
        found = [term(part) for part in words(word)]
        return any(part is not None and part.startswith(starts) for part in found)

    return test

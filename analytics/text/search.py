"""Case search that forgives how Kazakh, Russian and English are typed: the keys of a summary's
words and of a searched word, a search's words (all must match) and the matches highlighted.

A word's *keys* are its stems under each way it may have been typed, folded to the letters a plain
Russian keyboard has (`fold_kazakh`: ё→е, ә→а, ғ→г, қ→к, ң→н, ө→о, ұ/ү→у, і→и, һ→х; also ы/й→и
and no ь/ъ). A Cyrillic word gets its Russian Snowball stem and, when it may be Kazakh, its Kazakh
stem (analytics/text/stem.py); a Latin word its English stem and, when it may be Kazakh typed in
Latin or transliterated Russian, the stems of those readings in Cyrillic. Look-alike letters are
unified first. A searched word matches a summary word when they share a key, so "оружие" finds
"оружия", "продает" finds "продаёт", "шагым" and "shagym" find "шағым", "oruzhie" finds "оружие".

>>> sorted(query_word_keys("шагым")) == sorted(query_word_keys("шағым"))
True
>>> bool(query_word_keys("оружие") & text_keys("Продаёт оружия", "ru"))
True
>>> bool(query_word_keys("shagym") & text_keys("Шағым: спам", "kk"))
True
>>> bool(query_word_keys("REF1042") & text_keys("заказ rеf1042 отменён", "ru"))  # Cyrillic е
True
>>> sorted(text_keys("ref1042", "kk"))   # an identifier is not stemmed nor transliterated
['ref1042']
>>> parse_query("оружие и продает").words
(('оружие',), ('продает',))
>>> highlight("<b>Продаёт</b> оружие", parse_query("продает"), "ru")
'&lt;b&gt;<mark>Продаёт</mark>&lt;/b&gt; оружие'
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from analytics.text.normalize import (
    HAS_KAZAKH_LETTER,
    fold_kazakh,
    kazakh_latin_to_cyrillic,
    looks_kazakh_latin,
    majority_script,
    normalize_text,
    russian_latin_to_cyrillic,
    script_of,
    unify_lookalikes,
)
from analytics.text.stem import ALL_STOP_WORDS, stem

MAX_WORDS = 8                    # words of one search that are matched (the rest are ignored)
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d").search
_SPOKEN = ("kk", "ru")            # case languages whose Latin words may be transliterated


def _script(word: str) -> str:
    return majority_script(word) or script_of(word[0])


def _latin_as_cyrillic(word: str) -> set[str]:
    """Keys of a Latin word read as Kazakh typed in Latin and as transliterated Russian."""
    kazakh, russian = kazakh_latin_to_cyrillic(word), russian_latin_to_cyrillic(word)
    return {fold_kazakh(stem(kazakh, "kk")), fold_kazakh(stem(fold_kazakh(kazakh), "ru")),
            fold_kazakh(stem(russian, "ru"))}


@lru_cache(maxsize=500_000)
def word_keys(word: str, language: str | None) -> frozenset[str]:
    """The keys a summary word is found by; `language` is its case's language. A word with a
    digit (an order number, a handle, "covid19") is an identifier: its only key is itself."""
    word = unify_lookalikes(word)
    if _DIGIT(word):
        return frozenset({word})
    script = _script(word)
    if script == "cyrillic":
        keys = {fold_kazakh(stem(word, "ru"))}
        if language == "kk" or HAS_KAZAKH_LETTER(word):
            keys.add(fold_kazakh(stem(word, "kk")))  # Kazakh, or Russian inside a Kazakh text
        return frozenset(keys)
    if script == "latin":
        keys = {stem(word, "en")}
        if language in _SPOKEN or looks_kazakh_latin(word):
            keys |= _latin_as_cyrillic(word)
        return frozenset(keys)
    return frozenset({word})


@lru_cache(maxsize=50_000)
def query_word_keys(word: str) -> frozenset[str]:
    """The keys a searched word matches: every reading, since its language is unknown."""
    word = unify_lookalikes(normalize_text(word))
    if _DIGIT(word):
        return frozenset({word})   # as word_keys keys it
    script = _script(word) if word else "other"
    if script == "cyrillic":
        return frozenset({fold_kazakh(stem(word, "ru")), fold_kazakh(stem(word, "kk"))})
    if script == "latin":
        return frozenset({stem(word, "en")} | _latin_as_cyrillic(word))
    return frozenset({word})


@lru_cache(maxsize=100_000)
def text_keys(text: str | None, language: str | None) -> frozenset[str]:
    """Every key of a summary's words."""
    keys: set[str] = set()
    for word in _WORD.findall(normalize_text(text or "")):
        keys |= word_keys(word, language)
    return frozenset(keys)


@dataclass(frozen=True)
class SearchQuery:
    """A search as typed, its words (stop words dropped unless nothing else is left) and, per
    word, the keys any of which a case's summary must hold."""
    text: str
    words: tuple[tuple[str, ...], ...]
    keys: tuple[frozenset[str], ...]

    @property
    def case_id_like(self) -> str | None:
        """Lower-cased text to find inside case ids: one token that is not only letters
        ("C-1042", "H-", "1042"), else None (a word is not looked for in ids: that costs a scan)."""
        text = self.text.strip().lower()
        return text if text and len(text.split()) == 1 and not text.isalpha() else None

    def parameters(self) -> dict:
        """Bound parameters of sql/search/cases.sql: the keys, each key's word number, how many
        words must match, the case id fragment."""
        pairs = sorted((key, n) for n, keys in enumerate(self.keys) for key in keys)
        return {"terms": [key for key, _ in pairs], "term_words": [n for _, n in pairs],
                "words": len(self.keys), "case_id_like": self.case_id_like}


def parse_query(text: str) -> SearchQuery:
    """The words of a search and their keys (at most MAX_WORDS words)."""
    words = _WORD.findall(normalize_text(text))
    content = [w for w in words if w not in ALL_STOP_WORDS] or words
    unique = tuple(dict.fromkeys(content))[:MAX_WORDS]
    return SearchQuery(text, tuple((w,) for w in unique), tuple(query_word_keys(w) for w in unique))


def highlight(summary: str | None, query: SearchQuery, language: str | None) -> str:
    """The summary as HTML (escaped), each word that matched a searched word in <mark>."""
    wanted = frozenset().union(*query.keys) if query.keys else frozenset()
    out, last, text = [], 0, summary or ""
    for match in re.finditer(r"\w+", text):
        if word_keys(normalize_text(match.group()), language) & wanted:
            out += [html.escape(text[last:match.start()]),
                    f"<mark>{html.escape(match.group())}</mark>"]
            last = match.end()
    return "".join(out) + html.escape(text[last:])

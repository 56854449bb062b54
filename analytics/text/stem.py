"""Stems and stop words for Kazakh, Russian and English words, so inflected forms share one term.

Russian and English use the Snowball stemmers (the `snowballstemmer` package). Kazakh, an
agglutinative language Snowball does not cover, gets suffix stripping: the word is first folded
(`fold_kazakh`: each Kazakh letter as it is typed on a plain keyboard, so "төлем" and an ASCII
"tolem" meet), then case, possessive and plural endings are peeled off the end (longest first, a
few rounds) while at least three letters remain, and the stem is truncated to eight letters. A
Cyrillic word is Kazakh when it has Kazakh letters or the case is in Kazakh; a loanword or brand
then sheds its Kazakh ending, so "каспиде" (kk) meets "каспи" (ru).

>>> stem("каспиде", "kk") == stem("каспи", "kk") == stem("каспи", "ru")
True
>>> stem("төлемдер", "kk") == stem("төлем", "ru")
True
>>> stem("компенсацию", "ru") == stem("компенсация", "ru")
True
"""
from __future__ import annotations

from functools import lru_cache

import snowballstemmer

from analytics import settings
from analytics.text.normalize import HAS_KAZAKH_LETTER, fold_kazakh, script_of

STOPWORDS_DIR = settings.ROOT / "data" / "stopwords"
KAZAKH_MIN_STEM, KAZAKH_MAX_STEM = 3, 8
_RUSSIAN = snowballstemmer.stemmer("russian")
_ENGLISH = snowballstemmer.stemmer("english")

# Kazakh endings (case, possessive, plural, common verb forms), every vowel-harmony variant,
# folded like the words they are peeled from.
KAZAKH_SUFFIXES = tuple(sorted({fold_kazakh(suffix) for suffix in {
    *"лар лер дар дер тар тер".split(),                              # plural
    *"ның нің дың дің тың тің".split(),                              # genitive
    *"ға ге қа ке на не".split(),                                    # dative
    *"ны ні ды ді ты ті".split(),                                    # accusative / past
    *"да де та те нда нде".split(),                                  # locative
    *"дан ден тан тен нан нен".split(),                              # ablative
    *"мен бен пен менен".split(),                                    # instrumental
    *"ым ім ың ің сы сі ы і мыз міз ымыз іміз ңыз ңіз ыңыз іңіз".split(),  # possessive
    *"ған ген қан кен атын етін йтын йтін ып іп уда уде".split(),     # participles, gerunds
}}, key=len, reverse=True))


@lru_cache(maxsize=4)
def stop_words(language: str) -> frozenset[str]:
    """The stop words of `language` (kk, ru, en) from data/stopwords/<language>.txt."""
    path = STOPWORDS_DIR / f"{language}.txt"
    if not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


ALL_STOP_WORDS = frozenset().union(*(stop_words(lang) for lang in ("kk", "ru", "en")))


def strip_kazakh(word: str) -> str:
    """Kazakh endings peeled off a folded word (longest first, up to three rounds), truncated."""
    for _ in range(3):
        for suffix in KAZAKH_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= KAZAKH_MIN_STEM:
                word = word[:-len(suffix)]
                break
        else:
            break
    return word[:KAZAKH_MAX_STEM]


@lru_cache(maxsize=200_000)
def stem(word: str, language: str | None) -> str:
    """The stem of a normalised word; `language` is the case's language (kk, ru, en or other)."""
    if not word or not word[0].isalpha():
        return word
    if script_of(word[0]) == "latin":
        return _ENGLISH.stemWord(word)
    if script_of(word[0]) != "cyrillic":
        return word
    if language == "kk" or HAS_KAZAKH_LETTER(word):
        return strip_kazakh(fold_kazakh(word))
    return _RUSSIAN.stemWord(word)

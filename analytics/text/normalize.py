"""Text normalisation that holds up against multilingual text and evasion (Kazakh, Russian, English).

Pipeline for a summary: `normalize_text` (Unicode NFKC, zero-width characters removed, case
folding), then per word `unify_lookalikes` (a Cyrillic "а" inside Latin "kaspi" becomes Latin;
a word keeps its majority script, so Kazakh "білім" keeps its "і") and, for matching only,
`kazakh_latin_to_cyrillic` (Kazakh typed in Latin, "qazaqstan", becomes "қазақстан"). Typed
on a plain ASCII keyboard Kazakh loses its letters ("tegin" for "тегін", "tolem" for "төлем"),
so Kazakh words are matched on `fold_kazakh`, which writes each Kazakh letter as the letter it
is typed as (ә→а, қ→к, ө→о, і→и, …): "төлем" and "tolem" → "толем" share one term.

>>> normalize_text("Ka\\u200bSPI  Ｂｏｎｕｓ")
'kaspi bonus'
>>> unify_lookalikes("kаspi")  # Cyrillic а
'kaspi'
>>> unify_lookalikes("білім")
'білім'
>>> kazakh_latin_to_cyrillic("qazaqstan")
'қазақстан'
>>> fold_kazakh("төлем") == fold_kazakh(kazakh_latin_to_cyrillic("tolem"))
True
>>> mostly_latin("tegin bonus alynyz"), mostly_latin("тегін бонус, kaspi")
(True, False)
>>> russian_latin_to_cyrillic("prodayot oruzhie")
'продаёт оружие'
"""
from __future__ import annotations

import re
import unicodedata

# Invisible characters used to split words past filters (ZWSP, ZWNJ, ZWJ, word joiner, BOM,
# soft hyphen, Mongolian vowel separator).
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
KAZAKH_LETTERS = frozenset("әғқңөұүһі")
HAS_KAZAKH_LETTER = re.compile("[әғқңөұүһі]").search   # a word with one of them: Kazakh

# Look-alike letters (lower case), Cyrillic → Latin; the reverse map serves Latin → Cyrillic.
CYRILLIC_TO_LATIN = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
                     "к": "k", "і": "i", "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q",
                     "ԝ": "w", "ӏ": "l", "в": "b", "м": "m", "т": "t", "н": "h"}
LATIN_TO_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х",
                     "k": "к", "i": "і", "j": "ј", "s": "ѕ", "h": "н", "d": "ԁ", "q": "ԛ",
                     "w": "ԝ", "l": "ӏ", "b": "в", "m": "м", "t": "т"}
# Only letters that look alike in lower case decide nothing: a word's other letters vote.
_LOOKALIKES = frozenset(CYRILLIC_TO_LATIN) | frozenset(LATIN_TO_CYRILLIC)
_LOOKALIKE = re.compile("[" + "".join(sorted(_LOOKALIKES)) + "]")
_LATIN = re.compile("[a-z\u00c0-\u024f]")        # script_of's ranges, for whole words
_CYRILLIC = re.compile("[\u0400-\u04ff]")

# Informal and 2021 Kazakh Latin → Cyrillic; digraphs first ("ng" only at a word's end, where
# ASCII typists write ң: "mening" for "менің").
_KK_DIGRAPHS = (("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("gh", "ғ"), ("ya", "я"),
                ("yu", "ю"))
_KK_FINAL_NG = re.compile(r"ng$")
_KK_LETTERS = str.maketrans({
    "a": "а", "ä": "ә", "b": "б", "v": "в", "g": "г", "ğ": "ғ", "d": "д", "e": "е", "j": "ж",
    "z": "з", "i": "і", "ı": "ы", "y": "ы", "k": "к", "q": "қ", "l": "л", "m": "м", "n": "н",
    "ñ": "ң", "o": "о", "ö": "ө", "p": "п", "r": "р", "s": "с", "ş": "ш", "ç": "ч", "t": "т",
    "u": "ұ", "ū": "ұ", "ü": "ү", "w": "у", "f": "ф", "h": "х", "x": "х", "c": "ц",
    "á": "ә", "ǵ": "ғ", "ń": "ң", "ó": "ө", "ú": "ұ", "ý": "у"})  # the 2018 acute-accent alphabet
_KK_LATIN_MARKS = re.compile(r"[äğıñöşūüáǵńóúý]|q(?!u)")
# Each Kazakh letter as it is typed without a Kazakh keyboard; ы/і/и/й all fold to и, and the
# soft and hard signs, which ASCII typing drops, go.
_KK_FOLD = str.maketrans("әғқңөұүһіыйэё", "агкноуухиииее", "ьъ")

# Russian typed in Latin (common informal transliteration, GOST/ICAO-like); longest groups first.
_RU_GROUPS = (("shch", "щ"), ("yo", "ё"), ("jo", "ё"), ("zh", "ж"), ("kh", "х"),
              ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ju", "ю"), ("ya", "я"),
              ("ja", "я"), ("ye", "е"), ("iy", "ий"), ("yy", "ый"))
_RU_LETTERS = str.maketrans({
    "a": "а", "b": "б", "v": "в", "w": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и",
    "j": "й", "y": "ы", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р",
    "s": "с", "t": "т", "u": "у", "f": "ф", "h": "х", "x": "кс", "c": "ц", "q": "к", "'": "ь"})
_RU_GROUP = re.compile("|".join(group for group, _ in _RU_GROUPS))


def normalize_text(text: str) -> str:
    """NFKC, zero-width characters removed, case-folded, whitespace collapsed."""
    text = ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text))
    text = unicodedata.normalize("NFKC", text.casefold())
    return " ".join(text.split())


def script_of(char: str) -> str:
    """'latin', 'cyrillic' or 'other' for one character."""
    if "a" <= char <= "z" or "\u00c0" <= char <= "\u024f":
        return "latin"
    if "\u0400" <= char <= "\u04ff":
        return "cyrillic"
    return "other"


def majority_script(word: str) -> str | None:
    """The script of the word's letters that are not look-alikes (they cannot be faked), else of
    all its letters; None when there is no letter or a tie."""
    for letters in (_LOOKALIKE.sub("", word), word):   # regexes: ~5x a loop over script_of
        latin, cyrillic = len(_LATIN.findall(letters)), len(_CYRILLIC.findall(letters))
        if latin != cyrillic:
            return "latin" if latin > cyrillic else "cyrillic"
    return None


def unify_lookalikes(word: str) -> str:
    """Look-alike letters of the minority script rewritten in the word's majority script."""
    if not (_LATIN.search(word) and _CYRILLIC.search(word)):
        return word
    target = majority_script(word)
    if target is None:
        return word
    table = CYRILLIC_TO_LATIN if target == "latin" else LATIN_TO_CYRILLIC
    return "".join(table.get(c, c) if script_of(c) != target else c for c in word)


def looks_kazakh_latin(word: str) -> bool:
    """A Latin word with letters only Kazakh Latin uses (q not before u, ä ğ ı ñ ö ş ū ü)."""
    return majority_script(word) == "latin" and bool(_KK_LATIN_MARKS.search(word))


def kazakh_latin_to_cyrillic(word: str) -> str:
    """Kazakh typed in Latin written back in Cyrillic, so both spellings share one term."""
    word = _KK_FINAL_NG.sub("ң", word)
    for latin, cyrillic in _KK_DIGRAPHS:
        word = word.replace(latin, cyrillic)
    return word.translate(_KK_LETTERS)


def fold_kazakh(word: str) -> str:
    """Kazakh letters written as the Russian letters they are typed as (a matching key only)."""
    return word.translate(_KK_FOLD)


def mostly_latin(text: str, *, share: float = 0.9) -> bool:
    """Whether at least `share` of the Latin and Cyrillic letters of `text` are Latin: a summary
    typed in Latin script, not a Cyrillic one quoting a few Latin brand names."""
    scripts = [script_of(c) for c in text if c.isalpha()]
    latin, cyrillic = scripts.count("latin"), scripts.count("cyrillic")
    return latin > 0 and latin >= share * (latin + cyrillic)


def russian_latin_to_cyrillic(text: str) -> str:
    """Russian typed in Latin ("prodaet oruzhie") written in Cyrillic, for matching only."""
    groups = dict(_RU_GROUPS)
    return _RU_GROUP.sub(lambda m: groups[m.group()], text).translate(_RU_LETTERS)

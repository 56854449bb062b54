"""Terms of a case summary: words, 2–3-word phrases, hashtags, @mentions, URLs, domains, and the
person-identifying ones (phones, e-mails, Kazakhstan IINs) that must be masked on the way out.

A term has a *key* (what is counted: normalised, look-alikes unified, Kazakh Latin written in
Cyrillic, stemmed; a Kazakh case typed mostly in Latin script has all its Latin words read as
Kazakh, so plain-ASCII "tegin" meets "тегін") and a *surface* (how it was written, shown to
analysts). Keys of things other than words carry a prefix: `domain:`, `url:`, `phone:`, `email:`, `iin:`; hashtags and mentions
keep their `#` / `@`; phrases are stems joined by spaces.

>>> sorted(extract_terms("Ссылка: https://QazPay-Bonus.kz/claim?x=1 #ТегінБонус", "ru"))
['#тегінбонус', 'domain:qazpay-bonus.kz', 'url:qazpay-bonus.kz/claim', 'ссылк']
>>> extract_terms("qazaqstan", "kk").keys() == extract_terms("қазақстан", "kk").keys()
True
>>> extract_terms("tegin bonus", "kk").keys() == extract_terms("тегін бонус", "kk").keys()
True
"""
from __future__ import annotations

import re
from functools import lru_cache

from analytics.text.normalize import (
    fold_kazakh,
    kazakh_latin_to_cyrillic,
    looks_kazakh_latin,
    majority_script,
    mostly_latin,
    normalize_text,
    unify_lookalikes,
)
from analytics.text.stem import ALL_STOP_WORDS, stem, stop_words

MAX_PHRASE_WORDS = 3
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]+")
# The lookbehinds start a match only where a run of its characters starts: without them a
# 2 MB summary took hours (every position rescanned the run; found by tests/ingest/test_hostile_files.py).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DOMAIN = re.compile(r"(?<![\w@.-])[\w-]{2,}(?:\.[\w-]+)*\.(?:[a-z]{2,6}|рф|қаз)(?![\w-])")
_NUMBER = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_TAG = re.compile(r"[#@]\w+")
_CLAUSE = re.compile(r"[.,!?;:«»\"()\[\]…]+|\s[-–—]\s")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_PII_KINDS = ("phone", "email", "iin")
# A URL or bare host at the start of a surface ("qazpay-bonus.kz/claim?x=1"): its host, and a
# letters-only top-level label so that "3.5" or "т.е" are not read as hosts.
_HOSTED = re.compile(r"^(?:https?://)?(?:www\.)?((?:[\w-]+\.)+[^\W\d_]{2,})(?:[/?#:].*)?$",
                     re.IGNORECASE)
# Second-level labels under which a country registers names (com.kz, org.kz, gov.kz, co.uk…):
# the name below one of them is the registrable one.
_SECOND_LEVEL = frozenset({"ac", "biz", "co", "com", "edu", "go", "gov", "info", "mil", "ne",
                           "net", "nom", "or", "org", "sch"})
KAZAKH_LATIN = "kk-latn"  # the language of a Kazakh case typed mostly in Latin script
_FOLDED_KAZAKH_STOP_WORDS = {fold_kazakh(w): w for w in stop_words("kk")}


def _host_and_path(url: str) -> tuple[str, str]:
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url).split("?")[0].split("#")[0].rstrip("/.,")
    host, _, path = url.partition("/")
    return unify_lookalikes(host), path


def _entities(text: str, terms: dict[str, str]) -> str:
    """Add URLs, domains, e-mails, phones, IINs to `terms`; return the text without them."""
    for url in _URL.findall(text):
        host, path = _host_and_path(url)
        terms[f"domain:{host}"] = host
        if path:
            terms[f"url:{host}/{path}"] = f"{host}/{path}"
    text = _URL.sub(" ", text)
    for email in _EMAIL.findall(text):
        terms[f"email:{email}"] = email
    text = _EMAIL.sub(" ", text)
    for domain in _DOMAIN.findall(text):
        terms[f"domain:{unify_lookalikes(domain)}"] = domain
    text = _DOMAIN.sub(" ", text)
    for number in _NUMBER.findall(text):
        digits = re.sub(r"\D", "", number)
        if len(digits) == 12 and not number.startswith("+") and number.isdigit():
            terms[f"iin:{digits}"] = digits
        elif 10 <= len(digits) <= 13:
            terms[f"phone:{digits}"] = number
    text = _NUMBER.sub(" ", text)
    for tag in _TAG.findall(text):
        terms[tag[0] + unify_lookalikes(tag[1:])] = tag
    return _TAG.sub(" ", text)


def _reads_as_kazakh_latin(word: str, language: str | None) -> bool:
    return looks_kazakh_latin(word) or (language == KAZAKH_LATIN
                                        and majority_script(word) == "latin")


@lru_cache(maxsize=200_000)
def is_stop_word(word: str, language: str | None) -> bool:
    """A stop word of kk, ru or en, also when Kazakh typed in Latin ("jane" for "және")."""
    if word in ALL_STOP_WORDS:
        return True
    return (_reads_as_kazakh_latin(word, language)
            and fold_kazakh(kazakh_latin_to_cyrillic(word)) in _FOLDED_KAZAKH_STOP_WORDS)


@lru_cache(maxsize=200_000)
def word_key(word: str, language: str | None) -> str:
    """The counted form of one normalised word: look-alikes unified, Kazakh Latin in Cyrillic,
    stemmed; stop words are returned as they are (Kazakh ones typed in Latin, in Cyrillic).
    `language` "kk-latn" (`KAZAKH_LATIN`) reads every Latin word as Kazakh typed in Latin."""
    word = unify_lookalikes(word)
    if word in ALL_STOP_WORDS:
        return word
    if _reads_as_kazakh_latin(word, language):
        word, language = kazakh_latin_to_cyrillic(word), "kk"
        if fold_kazakh(word) in _FOLDED_KAZAKH_STOP_WORDS:
            return _FOLDED_KAZAKH_STOP_WORDS[fold_kazakh(word)]
    return stem(word, "kk" if language == KAZAKH_LATIN else language)


@lru_cache(maxsize=200_000)
def _is_content(word: str, language: str | None) -> bool:
    """A word a phrase may start or end on: no stop word, no single letter, no number."""
    return not is_stop_word(unify_lookalikes(word), language) and len(word) > 1 and not word.isdigit()


def _phrases(words: list[str], keys: list[str], language: str | None,
             terms: dict[str, str]) -> None:
    """Words and 2–3-word phrases of one clause; a phrase neither starts nor ends on a stop word."""
    content = [_is_content(w, language) for w in words]
    for i in range(len(words)):
        if not content[i]:
            continue
        for n in range(1, MAX_PHRASE_WORDS + 1):
            j = i + n
            if j <= len(words) and content[j - 1]:
                terms.setdefault(" ".join(keys[i:j]), " ".join(words[i:j]))


def extract_terms(text: str | None, language: str | None = None) -> dict[str, str]:
    """Every term of `text` once, as {key: surface}."""
    if not text:
        return {}
    terms: dict[str, str] = {}
    rest = _entities(normalize_text(text), terms)
    if language == "kk" and mostly_latin(rest):
        language = KAZAKH_LATIN
    for clause in _CLAUSE.split(rest):
        for key, surface in _clause_terms(clause, language):
            terms.setdefault(key, surface)
    return terms


@lru_cache(maxsize=100_000)
def _clause_terms(clause: str, language: str | None) -> tuple[tuple[str, str], ...]:
    """(key, surface) of each term of one clause, first surface first (templated summaries
    repeat their clauses: each is read once)."""
    words = _WORD.findall(clause)
    terms: dict[str, str] = {}
    _phrases(words, [word_key(w, language) for w in words], language, terms)
    return tuple(terms.items())


def term_kind(key: str) -> str:
    """hashtag, mention, domain, url, phone, email, iin, phrase or word."""
    if key[:1] == "#":
        return "hashtag"
    if key[:1] == "@":
        return "mention"
    prefix, sep, _ = key.partition(":")
    if sep and prefix in ("domain", "url", *_PII_KINDS):
        return prefix
    return "phrase" if " " in key else "word"


def mask_term(text: str, kind: str, public_accounts: frozenset[str] = frozenset()) -> str:
    """The term as it may leave the app: phones, e-mails, IINs and private @mentions masked."""
    if kind == "phone":
        digits = re.sub(r"\D", "", text)
        return "phone ***" + digits[-2:]
    if kind == "email":
        name, _, domain = text.partition("@")
        return f"{name[:1]}***@{domain}"
    if kind == "iin":
        return "IIN ************"
    if kind == "mention" and text.lower() not in public_accounts:
        return "@" + text[1:2] + "***"
    return text


def registrable_domain(host: str) -> str:
    """The name a registrant owns, subdomains cut: a heuristic without the Public Suffix List
    that errs toward the shorter name, so a subdomain that is someone's page goes too.

    >>> registrable_domain("m.Instagram.com"), registrable_domain("pay.qazpay.com.kz")
    ('instagram.com', 'qazpay.com.kz')
    >>> registrable_domain("aigerim-92.github.io"), registrable_domain("kaspi.kz")
    ('github.io', 'kaspi.kz')
    """
    labels = host.lower().strip(".").split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def public_term(surface: str, public_accounts: frozenset[str] = frozenset()) -> str:
    """A term as it may reach partners: a URL or a host as its registrable domain (never its
    path, query or a profile handle in either), person-identifying parts masked (`mask_pii`).

    >>> public_term("instagram.com/aigerim.private.92?igsh=1"), public_term("QazPay-Bonus.kz/claim")
    ('instagram.com', 'qazpay-bonus.kz')
    >>> public_term("тегін бонус"), public_term("@aigerim_92")
    ('тегін бонус', '@a***')
    """
    hosted = _HOSTED.match(surface.strip())
    return registrable_domain(hosted.group(1)) if hosted else mask_pii(surface, public_accounts)


def mask_pii(text: str, public_accounts: frozenset[str] = frozenset()) -> str:
    """Every phone, e-mail, IIN and private @mention inside `text` masked (for exports)."""
    text = _EMAIL.sub(lambda m: mask_term(m.group(), "email"), text)

    def number(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group())
        if len(digits) == 12 and match.group().isdigit():
            return mask_term(digits, "iin")
        return mask_term(digits, "phone") if 10 <= len(digits) <= 13 else match.group()

    text = _NUMBER.sub(number, text)
    text = re.sub(r"\b\d{12}\b", lambda m: mask_term(m.group(), "iin"), text)
    return re.sub(r"(?<![\w.*+-])@\w+", lambda m: mask_term(m.group(), "mention", public_accounts), text)

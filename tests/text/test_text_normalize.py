"""Golden normalisation cases, one by one: scripts, look-alikes, Kazakh letters, stems, PII."""
from __future__ import annotations

import doctest

import pytest

from analytics.text import incidence as text_incidence
from analytics.text import normalize as text_normalize
from analytics.text import stem as text_stem
from analytics.text import terms as text_terms
from analytics.text.normalize import (
    fold_kazakh,
    kazakh_latin_to_cyrillic,
    mostly_latin,
    normalize_text,
    unify_lookalikes,
)
from analytics.text.stem import stem
from analytics.text.terms import extract_terms, mask_pii, word_key


def test_kazakh_word_keeps_its_kazakh_i():
    assert unify_lookalikes("білім") == "білім"
    assert word_key("білім", "kk") == word_key("білім", None)


def test_cyrillic_a_inside_latin_word_becomes_latin():
    assert "\u0430" in "k\u0430spi"
    assert unify_lookalikes("k\u0430spi") == "kaspi"


def test_latin_lookalike_inside_cyrillic_word_becomes_cyrillic():
    assert unify_lookalikes("кaспи") == "каспи"  # Latin a


def test_kazakh_locative_stems_like_the_bare_word():
    assert stem("каспиде", "kk") == stem("каспи", "kk") == stem("каспи", "ru")


def test_kazakh_in_latin_matches_cyrillic():
    assert kazakh_latin_to_cyrillic("qazaqstan") == "қазақстан"
    assert word_key("qazaqstan", "en") == word_key("қазақстан", "kk")


@pytest.mark.parametrize("typed, cyrillic", [
    ("tegin", "тегін"),                                    # і typed as i
    ("tolem", "төлем"),                                    # ө typed as o
    ("zhogalyp ketedi", "жоғалып кетеді"),                 # ғ as g, ж as zh
    ("jogalyp ketedi", "жоғалып кетеді"),                  # ж as j
    ("derekterdin jariya", "деректердің жария"),          # ң as n, harmony lost
    ("mening aqsham", "менің ақшам"),                      # ң as a final ng, қ as q
    ("satushy aldyn ala tolem alyp", "сатушы алдын ала төлем алып"),
    ("tegin julde utyñyz", "тегін жүлде ұтыңыз"),         # ñ from the 2021 alphabet
])
def test_kazakh_typed_in_ascii_latin_matches_its_cyrillic_form(typed, cyrillic):
    assert extract_terms(typed, "kk").keys() == extract_terms(cyrillic, "kk").keys()


def test_kazakh_letters_fold_to_what_a_plain_keyboard_types():
    assert fold_kazakh("әғқңөұүһі") == "агкноуухи"
    assert fold_kazakh("профиль") == "профил"


def test_latin_brand_names_in_a_cyrillic_kazakh_summary_stay_latin():
    assert not mostly_latin("Тегін бонус: free kaspi airdrop")
    terms = extract_terms("Тегін бонус: free kaspi airdrop", "kk")
    assert {"free", "kaspi airdrop"} <= terms.keys()
    assert extract_terms("тегін бонус", "kk").keys() <= terms.keys()


def test_kazakh_stop_words_typed_in_latin_are_stop_words():
    terms = extract_terms("aqsha jane tolem", "kk")
    assert "жане" not in terms and "және" not in terms          # never a term of its own
    assert terms.keys() == extract_terms("ақша және төлем", "kk").keys()


def test_zero_width_characters_are_removed():
    assert normalize_text("qaz\u200bpay\u200d-bo\ufeffnus") == "qazpay-bonus"


def test_nfkc_and_case_folding():
    assert normalize_text("ＱＡＺＰＡＹ ＫАSPI") == "qazpay kаspi"
    assert normalize_text("ﬁle") == "file"


def test_russian_inflections_share_a_stem():
    assert len({stem(w, "ru") for w in ("компенсация", "компенсацию", "компенсации")}) == 1


@pytest.mark.parametrize("text, key", [
    ("see https://QazPay-Bonus.kz/claim?x=1", "domain:qazpay-bonus.kz"),
    ("see https://QazPay-Bonus.kz/claim?x=1", "url:qazpay-bonus.kz/claim"),
    ("#ТегінБонус", "#тегінбонус"),
    ("@Some_User", "@some_user"),
    ("call +7 701 123 45 67", "phone:77011234567"),
    ("ИИН 900101300123", "iin:900101300123"),
    ("write to a.b@mail.kz", "email:a.b@mail.kz"),
])
def test_entities_are_terms(text, key):
    assert key in extract_terms(text, "ru")


def test_a_term_counts_once_and_phrases_skip_stop_words():
    terms = extract_terms("компенсацию за утечку, компенсацию за утечку", "ru")
    assert "компенсац за утечк" in terms and "за утечк" not in terms


def test_pii_is_masked():
    masked = mask_pii("+7 701 123 45 67, a.b@mail.kz, 900101300123, @ivan")
    assert "123 45" not in masked and "a.b@" not in masked and "900101300123" not in masked
    assert "@ivan" not in masked and masked.count("***") >= 4


@pytest.mark.parametrize("module", [text_normalize, text_stem, text_terms, text_incidence])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0

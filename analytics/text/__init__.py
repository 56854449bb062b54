"""Multilingual text (Kazakh, Russian, English): normalisation against evasion, stems and stop
words, the terms of a summary, and the cases × terms incidence the trends read."""
from analytics.exports import exports

__getattr__, __dir__, __all__ = exports(__name__, {
    "normalize_text": "normalize", "stem": "stem", "word_key": "terms",
    "extract_terms": "terms", "mask_pii": "terms", "build_incidence": "incidence",
    "TermIncidence": "incidence",
})

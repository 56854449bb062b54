"""New wording with known answers (issue 15, point 6): terms ranked by the change of their
per-case rate (log-odds with an informative Dirichlet prior), never by raw counts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.text.terms import extract_terms
from analytics.trends import detect as trends
from analytics.trends.terms import log_odds

AS_OF = pd.Timestamp("2026-03-30")
DAYS = pd.date_range(end=AS_OF, periods=130)
# ordinary sentences (everyday words of T&S summaries) in three languages
SENTENCES = {
    "ru": ["Пользователь подал жалобу.", "Аккаунт проверен модератором.", "Приложены скриншоты переписки.",
           "Продавец взял предоплату и пропал.", "Массовая рассылка рекламы.", "Пользователь не отвечает.",
           "Запрошена дополнительная информация.", "Выдано предупреждение."],
    "kk": ["Пайдаланушы шағым түсірді.", "Аккаунт тексерілді.", "Скриншоттар тіркелген.",
           "Сатушы алдын ала төлем алып жоғалды.", "Жарнама хабарламалары жіберілді.",
           "Пайдаланушы жауап бермейді."],
    "en": ["User filed a report.", "Account was reviewed.", "Screenshots attached.",
           "Seller took a prepayment and vanished.", "Bulk advertising messages.", "The user does not respond."],
}
LANGUAGES = (("ru", 0.5), ("kk", 0.35), ("en", 0.15))


MARKET_WORDS = {"KZ": {"ru": "Оплата через Kaspi в Алматы.", "kk": "Kaspi арқылы төлем, Алматы.",
                        "en": "Paid via Kaspi in Almaty."},
                 "UZ": {"ru": "Оплата через Payme в Ташкенте.", "kk": "Payme арқылы төлем, Ташкент.",
                        "en": "Paid via Payme in Tashkent."}}


def _cases(per_day, seed: int = 1, planted: dict | None = None, clumpy: float = 0) -> pd.DataFrame:
    """Cases with two ordinary sentences each (Zipf-weighted: steady per-case rates) and, in
    half of them, their market's own sentence (its payment app and city); `per_day`: each
    day's volume, or {market: volumes}; `planted` {phrase: (language, first day index, per day)};
    `clumpy`: each day, each sentence's weight varies by this coefficient of variation (what
    happens in real logs: a reporter files several alike, a topic has its day)."""
    rng = np.random.default_rng(seed)
    if not isinstance(per_day, dict):
        per_day = {"KZ": np.asarray(per_day) / 2, "UZ": np.asarray(per_day) / 2}
    rows = []
    for market, volumes in per_day.items():
        for i, (day, n) in enumerate(zip(DAYS, volumes)):
            today = {lang: (1 / np.arange(1, len(pool) + 1))
                     * (rng.gamma(clumpy ** -2, clumpy ** 2, len(pool)) if clumpy else 1)
                     for lang, pool in SENTENCES.items()}
            fillers = rng.gamma(clumpy ** -2, clumpy ** 2, 300) if clumpy else None
            for _ in range(rng.poisson(n)):
                language = LANGUAGES[rng.choice(3, p=[p for _, p in LANGUAGES])][0]
                pool = SENTENCES[language]
                weights = today[language]
                picks = rng.choice(len(pool), 2, replace=False, p=weights / weights.sum())
                text = " ".join(pool[k] for k in picks)
                if clumpy:   # a long tail of rarer words, with their good and bad days too
                    text += f" Тег t{rng.choice(len(fillers), p=fillers / fillers.sum())}x."
                if rng.random() < 0.5:
                    text += " " + MARKET_WORDS[market][language]
                rows.append([day, market, rng.choice(["scam", "spam"]), "user_report", language, text])
    frame = pd.DataFrame(rows, columns=["created_date", "market", "abuse_category", "source",
                                        "language", "summary"])
    frame = frame.sort_values("created_date", kind="stable", ignore_index=True)
    for phrase, (language, first, level) in (planted or {}).items():
        for i in range(first, len(DAYS)):
            pool = np.flatnonzero(((frame["created_date"] == DAYS[i])
                                   & (frame["language"] == language)).to_numpy())
            take = rng.choice(pool, min(rng.poisson(level), len(pool)), replace=False)
            frame.loc[take, "summary"] = frame.loc[take, "summary"] + " " + phrase
    return frame.assign(case_id=[f"W{i:06d}" for i in range(len(frame))],
                        created_at=frame["created_date"] + pd.Timedelta(hours=12))


def _background_keys() -> set[str]:
    texts = [(s, lang) for lang, pool in SENTENCES.items() for s in pool]
    texts += [(s, lang) for by_language in MARKET_WORDS.values() for lang, s in by_language.items()]
    return {k for s, lang in texts for k in extract_terms(s, lang)}


def _doubling() -> dict:
    """Total volume doubles over the last 10 days (150 -> 300 a day), all of it in KZ (30 -> 180
    a day; UZ stays at 120): every word keeps its per-case rate within its market."""
    late = np.arange(len(DAYS)) >= len(DAYS) - 10
    return {"KZ": np.where(late, 180, 30), "UZ": np.full(len(DAYS), 120)}


def test_log_odds_of_an_unchanged_rate_is_zero_whatever_the_volume():
    # per-case rates 0.1 vs 0.1, 0.2 vs 0.1, 0.03 vs 0.03 (prior at 0.1, 0.1, 0.03)
    z = log_odds(y_recent=[100, 200, 30], n_recent=1000, y_background=[400, 400, 120],
                 n_background=4000, prior_share=[0.1, 0.1, 0.03])
    assert abs(z[0]) < 0.01 and z[1] > 5 and abs(z[2]) < 0.01
    doubled = log_odds(y_recent=200, n_recent=2000, y_background=100, n_background=1000,
                       prior_share=0.1)
    assert abs(doubled) < 0.01


@pytest.mark.parametrize("volume", [_doubling(), np.where(np.arange(len(DAYS)) >= len(DAYS) - 10, 300, 150)],
                         ids=["in one market", "everywhere"])
def test_a_volume_doubling_lifts_no_unchanged_word_into_the_top_10(volume):
    # nothing new is said: "Kaspi", "Алматы" triple in count, but not per KZ case
    found = trends.detect_trends(_cases(volume), AS_OF, keep_keys=True)
    top = found[found["kind"] == "term"].head(10)
    background = _background_keys()
    lifted = [t for t, keys in zip(top["term"], top["term_keys"]) if set(keys) & background]
    assert lifted == [], lifted


def test_a_volume_doubling_leaves_new_wording_on_top():
    planted = {"компенсация за утечку данных": ("ru", len(DAYS) - 8, 4.0)}
    found = trends.detect_trends(_cases(_doubling(), seed=2, planted=planted), AS_OF, keep_keys=True)
    terms = found[found["kind"] == "term"]
    wanted = set(extract_terms("компенсация за утечку данных", "ru"))
    assert len(terms) and set(terms["term_keys"].iloc[0]) & wanted, terms[["term", "score"]].head()
    background = _background_keys()
    assert not any(set(k) & background for k in terms["term_keys"].head(10))


@pytest.mark.parametrize("language, spellings", [
    ("ru", ["верификация через телеграм-бот", "верификацию через телеграм бот",
            "вeрификация чeрез тeлеграм-бот"]),
    ("kk", ["тегін жүлде ұтыңыз", "tegin zhulde utynyz", "tegin julde utynyz"]),
    ("en", ["crypto recovery agent", "crypto-recovery agents"]),
])
@pytest.mark.parametrize("daily", [[2] * 12, [9] + [1] * 11], ids=["steady", "clump first"])
def test_new_wording_is_listed_within_3_days_of_reaching_10_cases(language, spellings, daily):
    # among 150 cases a day: 2 a day from day -12 (the tenth case on day -8), or a copy-paste
    # clump of 9 on day -12 and then 1 a day (the tenth case on day -11): listed within 3 days
    # of the tenth case, whatever share of it the first day holds
    rng = np.random.default_rng(4)
    cases = _cases(np.full(len(DAYS), 150), seed=3)
    first = len(DAYS) - len(daily)
    carrying = []
    for i, n in zip(range(first, len(DAYS)), daily):
        pool = np.flatnonzero(((cases["created_date"] == DAYS[i])
                               & (cases["language"] == language)).to_numpy())
        for row in rng.choice(pool, n, replace=False):
            spelling = spellings[int(rng.integers(len(spellings)))]
            if spelling.isascii() and language == "kk":   # typed in Latin: the whole case is
                cases.loc[row, "summary"] = "Paidalanushy shagym tusirdi."
            cases.loc[row, "summary"] += " " + spelling
            carrying.append(i)
    reached = sorted(carrying)[9]
    wanted = set().union(*(extract_terms(s, language) for s in spellings))
    listed_on = None
    for i in range(reached, reached + 4):
        found = trends.detect_trends(cases, DAYS[i], keep_keys=True)
        terms = found[found["kind"] == "term"]
        if any(set(k) & wanted for k in terms["term_keys"]):
            listed_on = i
            break
    assert listed_on is not None and listed_on - reached <= 3, (reached - first, listed_on)


def test_wording_seen_on_one_or_two_days_is_a_burst_not_a_trend():
    rng = np.random.default_rng(6)
    cases = _cases(np.full(len(DAYS), 150), seed=5)
    for day, n in ((len(DAYS) - 5, 15), (len(DAYS) - 4, 12)):
        pool = np.flatnonzero(((cases["created_date"] == DAYS[day])
                               & (cases["language"] == "ru")).to_numpy())
        cases.loc[rng.choice(pool, n, replace=False), "summary"] += " розыгрыш айфона в прямом эфире"
    wanted = set(extract_terms("розыгрыш айфона в прямом эфире", "ru"))
    for day in range(len(DAYS) - 5, len(DAYS)):
        found = trends.detect_trends(cases, DAYS[day], keep_keys=True)
        assert not any(set(k) & wanted for k in found.loc[found["kind"] == "term", "term_keys"])

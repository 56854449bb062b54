"""Trend bench on simulated case logs that are not the demo (issue 15, point 6).

    python bench/trends_bench.py [--seed 5] [--days 70] [--sims 1000]

The simulator (`simulate`, seeded) writes ordinary kk / ru / en summaries — Kazakh in Cyrillic and
typed in Latin — for 4 markets × 6 categories × 2 sources at 1–50 cases a day each (weekly season,
a slow drift, noise with variance ≈ 1.5 × the mean), and the whole log's volume doubles over a
week (`DOUBLING`: every series × 2, every word's per-case rate unchanged). Planted over it:
- segment ramps (market × category, to × 2 over 14, 21 or 28 days; bases 5, 20, 50 a day);
- new wording in kk (Latin-typed, with Cyrillic spellings), ru (inflected, Cyrillic mixed with
  look-alike Latin letters), en (hyphen and plural variants), rising to 3–8 cases a day;
- negatives: one-, two- and three-day bursts (× 3–5) in market × category segments, and one- or
  two-day bursts of wording.

Each of the last `--days` days is replayed as of its end (`detect_trends`, defaults) and scored:
- new wording: days from the day it reached 10 cases to the first day a term trend carries one of
  its keys (target ≤ 3);
- ramps: first day the ramped market × category is listed, against the oracle bound of
  bench/trends_ramp_bound.py (a Poisson CUSUM that knows the baseline and the ramp's onset, its
  threshold set for 5 false alarms a week across the bench's segment series; target ≤ bound + 2);
- precision of the top 10 (mean over days): a term trend is right when it carries planted
  wording, a segment trend when the segment's true rate (known to the simulator, bursts left out)
  over the last 7 days is ≥ × 1.2 its rate 2–6 weeks before (ramps, and the doubling, are real
  rises); target ≥ 0.5;
- bursts listed as trends: the share of planted bursts (segments and wording) listed on any day
  from their first day to 7 days after (target ≤ 0.1).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]
from analytics.text.incidence import TermIncidence, build_incidence  # noqa: E402
from analytics.text.terms import KAZAKH_LATIN, extract_terms  # noqa: E402
from analytics.trends import detect as trends  # noqa: E402
from analytics.trends.settings import DEFAULTS  # noqa: E402

N_DAYS = 220
START = pd.Timestamp("2026-01-05")
DOUBLING = (185, 192)   # total volume rises × 2 over these days (linear), then stays
MARKETS = {"KZ": {"kk": 0.45, "ru": 0.45, "en": 0.10}, "UZ": {"ru": 0.7, "en": 0.3},
           "KG": {"ru": 0.8, "kk": 0.1, "en": 0.1}, "AM": {"ru": 0.5, "en": 0.5}}
CATEGORIES = ("scam", "spam", "harassment", "impersonation", "counterfeit", "gambling")
SOURCES = ("user_report", "proactive")
KK_LATIN_SHARE = 0.3   # Kazakh cases typed on a Latin keyboard

# Ordinary sentences: each summary is two of them (one about the category, one generic), chosen
# with Zipf-like weights, so everyday words have steady per-case rates.
GENERIC = {
    "kk": ["Пайдаланушы шағым түсірді.", "Аккаунт тексерілді.", "Қосымша ақпарат сұралды.",
           "Скриншоттар тіркелген.", "Модератор қарап шықты.", "Хабарлама бірнеше рет жіберілген.",
           "Пайдаланушы жауап бермейді.", "Ескерту берілді."],
    "kk-latn": ["Paidalanushy shagym tusirdi.", "Akkaunt tekserildi.", "Qosymsha aqparat suraldy.",
                "Skrinshottar tirkelgen.", "Moderator qarap shyqty.", "Habarlama birneshe ret jiberilgen.",
                "Paidalanushy jauap bermeidi.", "Eskertu berildi."],
    "ru": ["Пользователь подал жалобу.", "Аккаунт проверен.", "Запрошена дополнительная информация.",
           "Приложены скриншоты.", "Модератор просмотрел обращение.", "Сообщение отправлено несколько раз.",
           "Пользователь не отвечает.", "Выдано предупреждение."],
    "en": ["User filed a report.", "Account was reviewed.", "More details were requested.",
           "Screenshots attached.", "A moderator reviewed the case.", "The message was sent several times.",
           "The user does not respond.", "A warning was issued."],
}
TOPIC = {
    "scam": {"kk": ["Сатушы алдын ала төлем алып жоғалды.", "Тауар жеткізілмеді."],
             "kk-latn": ["Satushy aldyn ala tolem alyp zhogaldy.", "Tauar zhetkizilmedi."],
             "ru": ["Продавец взял предоплату и пропал.", "Товар не доставлен."],
             "en": ["Seller took a prepayment and vanished.", "The item was never delivered."]},
    "spam": {"kk": ["Жарнама хабарламалары жаппай жіберілді.", "Күмәнді сілтеме таратылды."],
             "kk-latn": ["Zharnama habarlamalary zhappai jiberildi.", "Kumandi silteme taratyldy."],
             "ru": ["Массовая рассылка рекламы.", "Распространяется подозрительная ссылка."],
             "en": ["Bulk advertising messages.", "A suspicious link is being spread."]},
    "harassment": {"kk": ["Пайдаланушыға қорқыту хаттары келді.", "Қорлайтын пікірлер жазылды."],
                   "kk-latn": ["Paidalanushyga qorqytu hattary keldi.", "Qorlaityn pikirler zhazyldy."],
                   "ru": ["Пользователю приходят угрозы.", "Оскорбительные комментарии."],
                   "en": ["The user receives threats.", "Abusive comments were posted."]},
    "impersonation": {"kk": ["Жалған профиль танымал адамның атын пайдаланады.", "Брендтің атынан жазады."],
                      "kk-latn": ["Zhalgan profil tanymal adamnyn atyn paidalanady.", "Brendtin atynan zhazady."],
                      "ru": ["Фейковый профиль выдаёт себя за известного человека.", "Пишет от имени бренда."],
                      "en": ["A fake profile poses as a public figure.", "Writes on behalf of a brand."]},
    "counterfeit": {"kk": ["Жалған брендтік тауар сатылады.", "Көшірме өнім түпнұсқа ретінде ұсынылды."],
                    "kk-latn": ["Zhalgan brendtik tauar satylady.", "Koshirme onim tupnusqa retinde usynyldy."],
                    "ru": ["Продаётся поддельный брендовый товар.", "Копия выдаётся за оригинал."],
                    "en": ["Counterfeit branded goods for sale.", "A copy is sold as the original."]},
    "gambling": {"kk": ["Заңсыз казино жарнамасы.", "Ставкалар сайтына шақырады."],
                 "kk-latn": ["Zansyz kazino zharnamasy.", "Stavkalar saitына shaqyrady."],
                 "ru": ["Реклама нелегального казино.", "Зазывает на сайт ставок."],
                 "en": ["Illegal casino advertising.", "Invites people to a betting site."]},
}
TOPIC["gambling"]["kk-latn"][1] = "Stavkalar saityna shaqyrady."

# New wording: (language the cases are written in, spellings written by different people).
# "kk-latn" spellings go into Kazakh cases typed in Latin, the others into cases of that language.
WORDING = [
    ("kk", ["tegin zhulde utynyz", "tegin julde utynyz", "тегін жүлде ұтыңыз"]),
    ("kk", ["qazaqpay ūtysy", "қазақпай ұтысы", "qazaqpay utysy"]),
    ("ru", ["компенсация за утечку данных", "компенсацию за утечку данных",
            "кoмпенсaция зa утечку данных"]),          # (Latin о, а in the last)
    ("ru", ["верификация через телеграм-бот", "верификацию через телеграм бот",
            "вeрификация чeрез тeлеграм-бот"]),        # (Latin е)
    ("en", ["crypto recovery agent", "crypto-recovery agents", "crypto recovery agents"]),
    ("en", ["free visa lottery", "free visa-lottery", "free visa lotery"]),
]
BURST_WORDING = [("ru", ["розыгрыш айфона в прямом эфире"]), ("en", ["giveaway livestream prize"]),
                 ("kk", ["aqsha syilyq tarату", "ақша сыйлық тарату"])]
BURST_WORDING[2] = ("kk", ["aqsha syilyq taratu", "ақша сыйлық тарату"])


@dataclass
class Truth:
    rate: np.ndarray                      # market × category × source × day, bursts left out
    ramps: list = field(default_factory=list)     # (market, category, onset, length, base)
    wording: list = field(default_factory=list)   # (index, market, category, onset, peak)
    bursts: list = field(default_factory=list)    # (market, category, first day, days, size)
    word_bursts: list = field(default_factory=list)  # (index, market, category, day, days)


def _volume(rng) -> tuple[np.ndarray, np.ndarray]:
    """True daily rates (market × category × source × day) and the noise-free multiplier."""
    shape = (len(MARKETS), len(CATEGORIES), len(SOURCES))
    base = np.exp(rng.uniform(np.log(1), np.log(50), shape))
    t = np.arange(N_DAYS)
    weekly = 1 + 0.2 * np.cos(2 * np.pi * ((START.day_of_week + t) % 7) / 7 - rng.uniform(0, 6.3, shape + (1,)))
    drift = 1 + rng.uniform(-0.15, 0.15, shape + (1,)) * t / N_DAYS
    doubling = 1 + np.clip((t - DOUBLING[0] + 1) / (DOUBLING[1] - DOUBLING[0] + 1), 0, 1)
    return base[..., None] * weekly * drift * doubling, doubling


def simulate(seed: int = 5, replay_days: int = 70) -> tuple[pd.DataFrame, Truth]:
    rng = np.random.default_rng(seed)
    rate, _ = _volume(rng)
    markets, first_replay = list(MARKETS), N_DAYS - replay_days
    truth = Truth(rate=rate.copy())
    multiplier = np.ones_like(rate)
    # ramps: market × category (both sources), onset early in the replay, base set to 5/20/50
    cells = [(m, c) for m in range(len(markets)) for c in range(len(CATEGORIES))]
    order = rng.permutation(len(cells))
    picks = [cells[i] for i in order]
    ramp_cells, burst_cells, word_cells = picks[:6], picks[6:15], picks[15:]
    for (m, c), base, length in zip(ramp_cells, (5, 20, 50, 5, 20, 50), (21, 21, 21, 14, 28, 14)):
        onset = first_replay + int(rng.integers(0, 12))
        scale = base / rate[m, c, :, onset - 28:onset].sum(0).mean()
        rate[m, c] *= scale
        truth.rate[m, c] *= scale
        t = np.arange(N_DAYS) - onset
        ramp = 1 + np.clip((t + 1) / length, 0, 1) * (t >= 0)
        rate[m, c] *= ramp
        truth.rate[m, c] *= ramp
        truth.ramps.append((markets[m], CATEGORIES[c], onset, length, base))
    for i, (m, c) in enumerate(burst_cells):
        days = (1, 2, 3)[i % 3]
        first = first_replay + int(rng.integers(0, DOUBLING[0] - first_replay - days - 8))
        size = float(rng.uniform(3, 5))
        multiplier[m, c, :, first:first + days] = size
        truth.bursts.append((markets[m], CATEGORIES[c], first, days, size))
    # new wording: in cells with enough Kazakh / Russian / English cases (60 a day there)
    def cell_for(language):
        candidates = [(m, c) for m, c in word_cells if MARKETS[markets[m]].get(language, 0) >= 0.3] \
            or [(m, c) for m, c in picks[6:] if MARKETS[markets[m]].get(language, 0) >= 0.3]
        m, c = candidates[int(rng.integers(len(candidates)))]
        if m * 100 + c not in sized:
            sized.add(m * 100 + c)
            scale = 60 / rate[m, c, :, first_replay - 28:first_replay].sum(0).mean()
            rate[m, c] *= scale
            truth.rate[m, c] *= scale
        return m, c

    sized: set[int] = set()
    for index, (language, _) in enumerate(WORDING):
        m, c = cell_for(language)
        onset = first_replay + int(rng.integers(3, replay_days - 14))
        truth.wording.append((index, markets[m], CATEGORIES[c], onset, float(rng.uniform(3, 8))))
    for index, (language, _) in enumerate(BURST_WORDING):
        m, c = cell_for(language)
        day = first_replay + int(rng.integers(0, replay_days - 9))
        truth.word_bursts.append((index, markets[m], CATEGORIES[c], day, 1 + index % 2))
    mean = rate * multiplier
    counts = rng.negative_binomial(mean / 0.5, 1 / 1.5)   # variance = 1.5 × mean
    return _cases(rng, counts, truth), truth


def _text(rng, language: str, category: str) -> str:
    generic = GENERIC[language]
    weights = 1 / np.arange(1, len(generic) + 1)
    topic = TOPIC[category][language]
    return f"{topic[int(rng.integers(len(topic)))]} {generic[rng.choice(len(generic), p=weights / weights.sum())]}"


def _cases(rng, counts: np.ndarray, truth: Truth) -> pd.DataFrame:
    markets = list(MARKETS)
    rows = []
    for m, market in enumerate(markets):
        languages = list(MARKETS[market])
        shares = np.array([MARKETS[market][k] for k in languages])
        for c, category in enumerate(CATEGORIES):
            for s, source in enumerate(SOURCES):
                n = counts[m, c, s]
                day = np.repeat(np.arange(N_DAYS), n)
                language = np.array(languages)[rng.choice(len(languages), len(day), p=shares)]
                rows.append(pd.DataFrame({"day": day, "market": market, "abuse_category": category,
                                          "source": source, "language": language}))
    frame = pd.concat(rows, ignore_index=True)
    latin = (frame["language"] == "kk").to_numpy() & (rng.random(len(frame)) < KK_LATIN_SHARE)
    reading = np.where(latin, "kk-latn", frame["language"].to_numpy())
    summary = [_text(rng, r, cat) for r, cat in zip(reading, frame["abuse_category"])]
    frame["summary"] = summary
    _plant_wording(rng, frame, reading, truth)
    frame["created_date"] = START + pd.to_timedelta(frame["day"], "D")
    frame = frame.sort_values(["day", "market"], kind="stable", ignore_index=True)
    return frame.assign(case_id=[f"B{i:07d}" for i in range(len(frame))],
                        created_at=frame["created_date"] + pd.Timedelta(hours=12)).drop(columns="day")


def _plant_wording(rng, frame: pd.DataFrame, reading: np.ndarray, truth: Truth) -> None:
    """Append planted wording to cases of its segment and language (a rising count a day)."""
    summary = frame["summary"].to_numpy(dtype=object)
    plans = [(WORDING[i], mk, cat, onset, lambda t, p=peak: p * min(1.0, (t + 1) / 10))
             for i, mk, cat, onset, peak in truth.wording]
    plans += [(BURST_WORDING[i], mk, cat, day, lambda t, n=days: 15.0 if t < n else 0.0)
              for i, mk, cat, day, days in truth.word_bursts]
    days_of = frame["day"].to_numpy()
    for (language, spellings), market, category, onset, level in plans:
        where = (frame["market"] == market).to_numpy() & (frame["abuse_category"] == category).to_numpy() \
            & (frame["language"] == language).to_numpy()
        rows_of = pd.Series(np.flatnonzero(where)).groupby(days_of[where]).agg(list)
        for day in range(onset, N_DAYS):
            want = rng.poisson(level(day - onset))
            pool = np.array(rows_of.get(day, []), dtype=int)
            for row in rng.choice(pool, min(want, len(pool)), replace=False):
                spelling = spellings[int(rng.integers(len(spellings)))]
                latin = spelling.isascii() or not any("\u0400" <= ch <= "\u04ff" for ch in spelling)
                if language == "kk" and latin and reading[row] != "kk-latn":
                    continue   # Latin Kazakh wording is typed by people typing in Latin
                if language == "kk" and not latin and reading[row] == "kk-latn":
                    continue
                summary[row] = f"{summary[row]} {spelling}"
    frame["summary"] = summary


def wording_keys(spellings: list[str], language: str) -> set[str]:
    """Every term key of the spellings, as a case in `language` (Kazakh: either script) reads it."""
    keys = set()
    for spelling in spellings:
        for reading in ([KAZAKH_LATIN, "kk"] if language == "kk" else [language]):
            keys |= set(extract_terms(spelling, reading))
    return keys


def specific_keys(planted: list[tuple[str, list[str]]], background: set[str]) -> list[set[str]]:
    """Each planted wording's keys that no other planted wording and no background text has (a
    Kazakh stem shared by two wordings must not credit one with the other's listing)."""
    every = [wording_keys(spellings, language) for language, spellings in planted]
    return [k - background - set().union(*(o for j, o in enumerate(every) if j != i))
            for i, k in enumerate(every)]


def _slice(incidence: TermIncidence, rows: np.ndarray) -> TermIncidence:
    return TermIncidence(incidence.matrix[rows], incidence.vocabulary,
                         incidence.text_of_case[rows], incidence.text_terms)


def _segment_truth(truth: Truth, segment: dict, day: int) -> bool:
    """True when the segment's true rate (bursts out) in the last 7 days is ≥ × 1.2 its rate
    2–6 weeks before."""
    pick = [slice(None)] * 3
    for axis, (key, names) in enumerate((("market", list(MARKETS)), ("abuse_category", list(CATEGORIES)),
                                         ("source", list(SOURCES)))):
        if key in segment:
            pick[axis] = names.index(segment[key])
    rate = truth.rate[tuple(pick)].reshape(-1, N_DAYS).sum(0)
    return rate[day - 6:day + 1].mean() >= 1.2 * rate[day - 42:day - 13].mean()


def replay(seed: int = 5, days: int = 70) -> dict:
    cases, truth = simulate(seed, days)
    started = time.perf_counter()
    incidence = build_incidence(cases["summary"], cases["language"])
    created = pd.to_datetime(cases["created_date"])
    day_of = ((created - START).dt.days).to_numpy()
    listed_terms: dict[int, list[int]] = {i: [] for i, *_ in truth.wording}
    listed_word_bursts: dict[int, list[int]] = {i: [] for i, *_ in truth.word_bursts}
    listed_segments: dict[tuple, list[int]] = {}
    precision, unchanged_in_top = [], []
    background = set(incidence.vocabulary[np.asarray(incidence.counts(np.flatnonzero(day_of < N_DAYS - days))) > 20])
    specific = specific_keys(WORDING + BURST_WORDING, background)
    keys = {i: specific[i] for i, *_ in truth.wording}
    burst_keys = {i: specific[len(WORDING) + i] for i, *_ in truth.word_bursts}
    for day in range(N_DAYS - days, N_DAYS):
        rows = np.flatnonzero((day_of <= day) & (day_of > day - DEFAULTS.history_days))
        ranked = trends.detect_trends(cases.iloc[rows].reset_index(drop=True), START + pd.Timedelta(days=day),
                                      incidence=_slice(incidence, rows), keep_keys=True)
        good = []
        for rank, trend in enumerate(ranked.to_dict("records")):
            if trend["kind"] == "segment":
                segment = trend["segment"]
                listed_segments.setdefault(tuple(sorted(segment.items())), []).append(day)
                ok = _segment_truth(truth, segment, day)
            else:
                tk = set(trend["term_keys"])
                hits = [i for i, k in keys.items() if k & tk and truth.wording[i][3] <= day]
                for i in hits:
                    listed_terms[i].append(day)
                for i, k in burst_keys.items():
                    if k & tk:
                        listed_word_bursts[i].append(day)
                ok = bool(hits)
                if rank < 10 and not ok and tk <= background:
                    unchanged_in_top.append((day, trend["term"]))
            if rank < 10:
                good.append(ok)
        if good:
            precision.append(float(np.mean(good)))
    elapsed = time.perf_counter() - started
    return _score(cases, truth, day_of, keys, listed_terms, listed_word_bursts, listed_segments,
                  precision, unchanged_in_top, days) | {"seconds": round(elapsed, 1),
                                                        "cases": len(cases)}


def _score(cases, truth, day_of, keys, listed_terms, listed_word_bursts, listed_segments,
           precision, unchanged_in_top, days) -> dict:
    wording = []
    summary = cases["summary"].to_numpy(dtype=object)
    for i, market, category, onset, peak in truth.wording:
        spellings = WORDING[i][1]
        carrying = np.array([any(s in text for s in spellings) for text in summary])
        daily = np.bincount(day_of[carrying], minlength=N_DAYS)
        reached = int(np.argmax(np.cumsum(daily) >= 10))
        first = min(listed_terms[i]) if listed_terms[i] else None
        wording.append({"wording": spellings[0], "language": WORDING[i][0], "segment": f"{market} · {category}",
                        "onset": onset, "reached_10": reached, "listed": first,
                        "delay_after_10": None if first is None else first - reached})
    ramps = []
    # the family the product tests: markets, categories, sources and category × market series
    n_series = len(MARKETS) + len(CATEGORIES) + len(SOURCES) + len(MARKETS) * len(CATEGORIES)
    bounds = ramp_bounds(truth, n_series=n_series)
    for market, category, onset, length, base in truth.ramps:
        hit = listed_segments.get(tuple(sorted({"market": market, "abuse_category": category}.items())), [])
        hit = [d for d in hit if d >= onset]
        first = min(hit) if hit else None
        bound = bounds[(base, length)]
        ramps.append({"segment": f"{market} · {category}", "base": base, "length": length,
                      "onset": onset, "delay": None if first is None else first - onset + 1,
                      "oracle_median_delay": bound})
    bursts = []
    for market, category, first, n, size in truth.bursts:
        key = tuple(sorted({"market": market, "abuse_category": category}.items()))
        hit = [d for d in listed_segments.get(key, []) if first <= d <= first + n + 6]
        bursts.append({"segment": f"{market} · {category}", "days": n, "size": round(size, 1),
                       "listed": bool(hit)})
    for i, market, category, day, n in truth.word_bursts:
        hit = [d for d in listed_word_bursts[i] if day <= d <= day + n + 6]
        bursts.append({"wording": BURST_WORDING[i][1][0], "days": n, "listed": bool(hit)})
    delays = [w["delay_after_10"] for w in wording]
    return {"segment_series": n_series, "wording": wording, "ramps": ramps, "bursts": bursts,
            "wording_within_3d": f"{sum(d is not None and d <= 3 for d in delays)}/{len(delays)}",
            "ramps_within_bound_plus_2": f"{sum(r['delay'] is not None and r['delay'] <= r['oracle_median_delay'] + 2 for r in ramps)}/{len(ramps)}",
            "top10_precision": round(float(np.mean(precision)), 3) if precision else None,
            "bursts_listed": round(float(np.mean([b["listed"] for b in bursts])), 3),
            "unchanged_words_in_top10": len(unchanged_in_top),
            "unchanged_examples": unchanged_in_top[:5]}


def ramp_bounds(truth: Truth, n_series: int, sims: int = 1000, seed: int = 7) -> dict:
    """The oracle's median delay (bench/trends_ramp_bound.py) per (base, ramp length)."""
    import trends_ramp_bound as bound
    rng = np.random.default_rng(seed)
    budget = 5.0 / (max(n_series, 1) * 7)
    out = {}
    for base in sorted({r[4] for r in truth.ramps}):
        thresholds = {k: bound.calibrate(rng, float(base), k, budget) for k in (1.2, 1.3, 1.5, 1.7, 2.0)}
        for length in sorted({r[3] for r in truth.ramps if r[4] == base}):
            days = np.arange(1, bound.HORIZON + 1)
            counts = rng.poisson(base * (1.0 + np.minimum(days, length) / length), size=(sims, bound.HORIZON))
            out[(base, length)] = min(float(np.median(bound.cusum_alarm_day(counts, base, k, h) + 1))
                                      for k, h in thresholds.items())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--days", type=int, default=70)
    args = parser.parse_args(argv)
    print(json.dumps(replay(args.seed, args.days), indent=1, default=str, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

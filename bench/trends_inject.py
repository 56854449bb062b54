"""Injected trends for bench/trends_replay.py: volume rises in steady synthetic series, and new
terms (with script, look-alike and inflected spellings) in a steady multilingual corpus."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from analytics.text.terms import extract_terms
from analytics.trends.settings import DEFAULTS
from analytics.trends.stats import benjamini_hochberg

DAYS = pd.date_range("2026-01-01", periods=150)
ONSET = 120
SCENARIOS = {"step x1.3": ("step", 1.3, 0), "step x1.6": ("step", 1.6, 0), "step x2": ("step", 2.0, 0),
             "ramp 7d": ("ramp", 2.0, 7), "ramp 14d": ("ramp", 2.0, 14), "ramp 21d": ("ramp", 2.0, 21),
             "ramp 28d": ("ramp", 2.0, 28), "one-day spike x5": ("spike", 5.0, 0), "control": ("none", 1, 0)}


def _multiplier(kind: str, size: float, length: int) -> np.ndarray:
    t = np.arange(len(DAYS)) - ONSET
    if kind == "step":
        return np.where(t >= 0, size, 1.0)
    if kind == "ramp":
        return 1 + (size - 1) * np.clip((t + 1) / length, 0, 1) * (t >= 0)
    if kind == "spike":
        return np.where(t == 0, size, 1.0)
    return np.ones(len(DAYS))


def volume_cases(reps: int, seed: int = 11, scenarios=None) -> tuple[pd.DataFrame, dict]:
    """Steady series with the injected changes; `scenarios`: names of SCENARIOS to keep (all
    when None; the draws follow the kept ones, so a subset is its own sample)."""
    rng, rows, labels = np.random.default_rng(seed), [], {}
    weekly = 1 + 0.15 * np.cos(2 * np.pi * DAYS.day_of_week.to_numpy() / 7)
    kept = {k: v for k, v in SCENARIOS.items() if scenarios is None or k in scenarios}
    for base in (5, 20, 50):
        for name, (kind, size, length) in kept.items():
            for rep in range(reps * (3 if kind in ("none", "spike") else 1)):  # rates need more
                market = f"{name}|{base}|{rep}"
                counts = rng.poisson(base * weekly * _multiplier(kind, size, length))
                rows.append(pd.DataFrame({"created_date": np.repeat(DAYS, counts), "market": market}))
                labels[market] = (name, base)
    frame = pd.concat(rows, ignore_index=True)
    return frame.assign(abuse_category="x", source="s", language="en"), labels


def family_q(pvalue: float, background: np.ndarray) -> float:
    """A p-value's Benjamini–Hochberg q as the only injected series in `background`'s family."""
    return float(benjamini_hochberg(np.append(background, pvalue))[-1])


def injected_runs(detect, reps: int, background: list[np.ndarray] | None = None, *,
                  seed: int = 11, scenarios=None) -> dict:
    """Replay the injected series for 29 days from the onset. With `background` (one array of
    segment p-values per day, e.g. from the demo), each series is judged as the only injected one
    in that family, as a real segment among hundreds would be (each series on its own run of
    days, so that no one strict or lenient day decides a scenario); without it all injected series
    are one family, where hundreds of true rises make Benjamini–Hochberg far more lenient.
    `detect(cases, as_of[, cfg=...])` is `detect_segment_trends` or a variant of it;
    `scenarios`: the SCENARIOS to run (all when None)."""
    cases, labels = volume_cases(reps, seed, scenarios)
    listed = {m: [] for m in labels}
    for offset in range(0, 29):
        if background is None:
            found = detect(cases, DAYS[ONSET + offset])
        else:  # every test but Benjamini–Hochberg here; BH against the background below
            found = detect(cases, DAYS[ONSET + offset], cfg=replace(DEFAULTS, fdr=1.0))
        found = found[found["dimension"] == "market"]
        if background is not None:
            # series i meets the family of day offset + i: onsets fall on different demo days
            q = np.array([family_q(p, background[(offset + i) % len(background)])
                          for i, p in enumerate(found["p_value"])])
            found = found.assign(is_anomaly=found["is_anomaly"] & (q <= DEFAULTS.fdr))
        for market in found.loc[found["is_anomaly"], "market"]:
            listed[market].append(offset)
    out = {}
    for (name, base), markets in pd.Series(labels).groupby(lambda m: labels[m]).groups.items():
        firsts = [min(listed[m]) for m in markets if listed[m]]
        delays = np.array(firsts, float)
        row = {"series": len(markets), "found_7d": round(float((delays < 7).sum() / len(markets)), 2),
               "found_14d": round(float((delays < 14).sum() / len(markets)), 2),
               "median_delay_d": float(np.median(delays)) if len(delays) else None,
               "p90_delay_d": float(np.percentile(delays, 90)) if len(delays) else None}
        if name == "control":
            row = {"false_alert_days_per_series_week": round(
                sum(len(listed[m]) for m in markets) / len(markets) / (29 / 7), 3),
                "series_with_any_alert": round(len(firsts) / len(markets), 2),
                # the floor under "one-day spike listed within 7 d": no spike, same 7 days
                "listed_within_7d": round(float((delays < 7).sum() / len(markets)), 2)}
        if name.startswith("one-day"):
            row = {"listed_as_trend_within_7d": round(float((delays < 7).sum() / len(markets)), 2)}
        out[f"{name} @ {base}/day"] = row
    return out


BASE_TEXT = {"kk": ["Шағым: сатушы алдын ала төлем алып, жоғалып кетеді.", "Эскалация: жалған профиль."],
             "ru": ["Жалоба: продавец берёт предоплату и пропадает.", "Эскалация: фейковый профиль."],
             "en": ["User reports a seller who takes prepayment.", "Escalated: fake profile."]}
# A Kazakh summary typed on a plain ASCII keyboard is Latin throughout: these replace the base
# text of a case carrying an ASCII spelling (and must not surface as new wording themselves).
ASCII_KAZAKH_TEXT = ["Shagym: satushy aldyn ala tolem alyp, zhogalyp ketedi.", "Eskalaciya: zhalgan profil."]
# (language, family name, spellings that must merge into one trend)
INJECTED_TERMS = [
    ("ru", "ru inflections", ["получите выплату за утечку", "получить выплата за утечку",
                              "выплаты за утечку получите"]),
    ("kk", "kk Cyrillic/Latin", ["қазақпай ұтысы", "qazaqpay ūtysy", "қазақпай ұтысы"]),
    ("kk", "kk ASCII Latin", ["тегін жүлде ұтыңыз", "tegin zhulde utynyz", "tegin julde utyñyz"]),
    ("en", "en look-alikes", ["free kaspi airdrop", "free k\u0430spi airdrop", "free ka\u200bspi airdrop"]),
    ("ru", "domain", ["ссылка bonus-kaspi.kz", "ссылка bonus-k\u0430spi.kz", "ссылка BONUS-KASPI.KZ"]),
]


def term_cases(seed: int, per_day: float = 3.0) -> pd.DataFrame:
    rng, rows = np.random.default_rng(seed), []
    for i, day in enumerate(DAYS):
        for _ in range(rng.poisson(150)):
            language = rng.choice(["kk", "ru", "en"])
            which = rng.integers(2)
            text = BASE_TEXT[language][which]
            for lang, _, spellings in INJECTED_TERMS:
                if i >= ONSET and lang == language and rng.random() < per_day / 50:
                    spelling = spellings[rng.integers(len(spellings))]
                    if spelling.isascii() and lang == "kk":
                        text = ASCII_KAZAKH_TEXT[which]
                    text += " " + spelling
            rows.append((day, "KZ", "scam", "s", language, text))
    frame = pd.DataFrame(rows, columns=["created_date", "market", "abuse_category", "source",
                                        "language", "summary"])
    return frame.assign(case_id=[f"T{i}" for i in range(len(frame))],
                        created_at=frame["created_date"])


def term_runs(detect, reps: int) -> dict:
    delays, top10, merged = {f: [] for _, f, _ in INJECTED_TERMS}, [], {f: [] for _, f, _ in INJECTED_TERMS}
    for rep in range(reps):
        cases, found_at = term_cases(rep), {}
        for offset in range(0, 8):
            ranked = detect(cases, DAYS[ONSET + offset], keep_keys=True)
            terms = ranked[ranked["kind"] == "term"]
            for lang, family, spellings in INJECTED_TERMS:
                keysets = [set(extract_terms(s, lang)) for s in spellings]
                hit = [set(k) for k in terms["term_keys"] if all(ks & set(k) for ks in keysets)]
                any_hit = any(ks & set(k) for k in terms["term_keys"] for ks in keysets)
                if any_hit and family not in found_at:
                    found_at[family] = offset
                    merged[family].append(bool(hit))
            if offset == 7:
                top = terms.head(10)["term_keys"]
                good = [any(set(extract_terms(s, lang)) & set(k) for lang, _, ss in INJECTED_TERMS
                            for s in ss) for k in top]
                top10.append(np.mean(good) if good else np.nan)
        for family in delays:
            delays[family].append(found_at.get(family, np.nan))
    return {"delay_days_by_family": {f: d for f, d in delays.items()},
            "top10_precision_day7": round(float(np.nanmean(top10)), 3),
            "spellings_merged_share": round(float(np.mean([m for v in merged.values() for m in v]
                                                          or [np.nan])), 3)}

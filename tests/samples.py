"""The two real public exports the tests load: small cuts in tests/fixtures/samples/ (always
present; tests/fixtures/samples/make_cuts.py writes them) and the full files in
../shared/samples/ (when present: the tests with figures of the full files run on them too).

`both(...)` parametrizes a test over the two: the full file's case is skipped, visibly, when
../shared is absent; the cut's always runs, so no sample test is only ever skipped."""
from __future__ import annotations

import pytest

from analytics import settings

FULL = settings.ROOT.parent / "shared" / "samples"
CUTS = settings.ROOT / "tests" / "fixtures" / "samples"
MAPPINGS = settings.ROOT / "data" / "mappings"
SERVICENOW = {"cut": CUTS / "incident_event_log_cut.zip",
              "full": FULL / "uci_incident_log" / "incident_event_log.zip"}
NYC = {"cut": CUTS / "311_Animals_cut.csv", "full": FULL / "nyc311_animals" / "311_Animals_short.csv"}
# The Trends page's top trends need the rows they are made of: a cut of its own (make_cuts.py).
NYC_TRENDS = {"cut": CUTS / "311_Animals_trends_cut.csv", "full": NYC["full"]}
MAPPING = {"servicenow": MAPPINGS / "servicenow_incident_log.toml", "nyc311": MAPPINGS / "nyc311.toml"}


def both(paths: dict) -> list:
    """pytest params: the cut, and the full file (skipped when ../shared is absent)."""
    return [pytest.param(paths["cut"], id="cut"),
            pytest.param(paths["full"], id="full", marks=pytest.mark.skipif(
                not paths["full"].exists(), reason="../shared/samples not present"))]

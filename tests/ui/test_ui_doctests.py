"""The doctests of ui/ modules (pytest.ini collects doctests under analytics/ only): the weekly
ticks, the whole weeks, the spike counts in their unit."""
import doctest

import pytest

from ui import charts, kpi_heatmap, spike_inbox


@pytest.mark.parametrize("module", [charts, kpi_heatmap, spike_inbox], ids=lambda m: m.__name__)
def test_doctests_pass(module):
    result = doctest.testmod(module)
    assert result.attempted and not result.failed, module.__name__

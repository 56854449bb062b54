"""Fixtures of the engine tests: one local Spark session per test module (a JVM; slow tier)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def spark_engine():
    pytest.importorskip("pyspark")
    from analytics.engines.spark import SparkEngine

    engine = SparkEngine()
    yield engine
    engine.close()

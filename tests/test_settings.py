"""Every setting is documented in the README, and the environment overrides its default."""
from analytics import settings


def test_readme_documents_every_setting():
    readme = (settings.ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in settings.SETTINGS if f"`{s.name}`" not in readme]
    assert not missing, f"README.md does not document {missing}"


def test_environment_overrides_default(monkeypatch, tmp_path):
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(tmp_path / "x.duckdb"))
    assert settings.db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("ESCALATION_RADAR_DB")
    assert settings.db_path().name == "escalation_radar.duckdb"

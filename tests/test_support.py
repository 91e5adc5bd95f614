"""tests/support/requirements.py: a missing requirement skips, or fails when required."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import requirements
from support.requirements import data_dir, data_file, unavailable


def test_a_missing_requirement_skips_unless_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAINRULE_REQUIRE_DATA", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no data \(CHAINRULE_REQUIRE_DATA=1 makes"):
        unavailable("DATA", "no data")
    monkeypatch.setenv("CHAINRULE_REQUIRE_DATA", "1")
    with pytest.raises(pytest.fail.Exception, match="CHAINRULE_REQUIRE_DATA=1 but no data"):
        unavailable("DATA", "no data")


def test_data_files_are_found_in_chainrule_data_or_fail_when_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(requirements, "DATA", tmp_path)
    (tmp_path / "cats.npz").write_bytes(b"")
    assert data_file("cats.npz") == tmp_path / "cats.npz" and data_dir() == tmp_path
    monkeypatch.setenv("CHAINRULE_REQUIRE_DATA", "1")
    with pytest.raises(pytest.fail.Exception, match=r"dogs\.npz is not there"):
        data_file("dogs.npz")
    monkeypatch.setattr(requirements, "DATA", tmp_path / "nowhere")
    with pytest.raises(pytest.fail.Exception, match="nowhere is not there"):
        data_dir()

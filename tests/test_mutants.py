"""tests/mutants.py: every mutant's pattern is in the code, once (the slow part, running the
tests against each mutant, is ``python3 tasks.py mutants``, which CI runs)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from mutants import MUTANTS, ROOT, mutated

pytestmark = pytest.mark.source_tree  # the mutants' patterns are read from the source files


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_each_pattern_is_found_once_and_its_tests_exist(mutant) -> None:
    text = mutated(mutant, ROOT)
    assert mutant.new in text and text != (ROOT / mutant.path).read_text(encoding="utf-8")
    for test in mutant.tests:
        path, _, name = test.partition("::")
        assert (ROOT / path).is_file(), test
        assert not name or f"def {name.split('[')[0]}(" in (ROOT / path).read_text("utf-8")


def test_a_pattern_not_found_or_found_twice_is_a_loud_error(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("a = 1\na = 1\n", encoding="utf-8")
    mutant = replace(MUTANTS[0], path="f.py", old="b = 2")
    with pytest.raises(LookupError, match=r"occurs 0 times in f\.py"):
        mutated(mutant, tmp_path)
    with pytest.raises(LookupError, match=r"occurs 2 times in f\.py"):
        mutated(replace(mutant, old="a = 1"), tmp_path)
    with pytest.raises(LookupError, match=r"g\.py does not exist"):
        mutated(replace(mutant, path="g.py"), tmp_path)

"""Every chapter notebook runs top to bottom in a fresh kernel with no error and no warning."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip(
    "nbclient", reason="the notebook extra is not installed: pip install -e .[notebook]"
)

_PATH = Path(__file__).resolve().parents[1] / "notebooks" / "execute.py"
_spec = importlib.util.spec_from_file_location("notebooks_execute", _PATH)
assert _spec is not None and _spec.loader is not None
execute = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(execute)


def test_there_are_nine_lessons_in_the_chapters_order() -> None:
    names = [p.stem for p in execute.notebooks()]
    assert names == [
        "01_perceptron_and_linear_network",
        "02_activations",
        "03_engine_and_stepping",
        "04_drawing_graphs",
        "05_property_testing",
        "06_representations",
        "07_xor",
        "08_shallow_vs_deep",
        "09_pm25",
    ]


@pytest.mark.parametrize("path", execute.notebooks(), ids=lambda p: p.stem)
def test_notebook_runs_cleanly(path: Path) -> None:
    _, problems = execute.execute(path, store=False)  # the time is printed by tasks.py notebooks
    assert problems == []


def test_a_failing_cell_and_a_warning_are_reported(tmp_path: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    book = new_notebook(
        cells=[
            new_code_cell("import warnings; warnings.warn('careful')"),
            new_code_cell("1 / 0"),
        ]
    )
    path = tmp_path / "99_broken.ipynb"
    nbformat.write(book, path)
    _, problems = execute.execute(path, store=False)
    assert any("stderr" in p and "careful" in p for p in problems)
    assert any("ZeroDivisionError" in p for p in problems)


def test_stored_notebooks_are_small_enough_to_read_online() -> None:
    for path in execute.notebooks():
        assert path.stat().st_size < 600_000, f"{path.name} is {path.stat().st_size:,} bytes"


def test_a_stale_stored_output_is_reported_and_a_current_one_is_not(tmp_path: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    book = new_notebook(cells=[new_code_cell("print(6 * 7)"), new_code_cell("print(1)")])
    book.cells[0].outputs = [new_output("stream", name="stdout", text="42\n")]  # current
    book.cells[1].outputs = [new_output("stream", name="stdout", text="2\n")]  # stale
    book.metadata.kernelspec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    path = tmp_path / "98_stale.ipynb"
    nbformat.write(book, path)
    _, problems = execute.execute(path, store=False)
    assert problems == [
        "cell 1: the stored output is stale (run python3 tasks.py notebooks)",
        "the stored kernelspec is not the one Jupyter writes on save",
    ]


def test_a_cell_that_varies_with_the_install_is_exempt_but_must_still_run(tmp_path: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    tag = {"tags": [execute.VARIES_WITH_INSTALL]}
    book = new_notebook(
        cells=[new_code_cell("print(2)", metadata=tag), new_code_cell("1/0", metadata=tag)]
    )
    book.cells[0].outputs = [new_output("stream", name="stdout", text="torch missing\n")]
    book.metadata.kernelspec = execute.kernelspec()
    path = tmp_path / "97_varies.ipynb"
    nbformat.write(book, path)
    _, problems = execute.execute(path, store=False)
    assert problems == ["cell 1: ZeroDivisionError: division by zero"]


def test_only_cells_that_print_what_an_install_decides_are_exempt() -> None:
    """The torch comparison (torch is optional) and the hypothesis draws shown as examples."""
    import nbformat

    exempt = {
        path.stem: ["".join(cell.source) for cell in nbformat.read(path, as_version=4).cells
                    if execute.VARIES_WITH_INSTALL in cell.metadata.get("tags", [])]
        for path in execute.notebooks()
    }  # fmt: skip
    assert [len(exempt[stem]) for stem in ("03_engine_and_stepping", "05_property_testing")] == [
        1,
        3,
    ]
    assert "import torch" in exempt["03_engine_and_stepping"][0]
    assert all("@given" in source for source in exempt["05_property_testing"])
    assert sum(map(len, exempt.values())) == 4


def test_the_stored_kernelspec_is_the_one_jupyter_writes_on_save() -> None:
    import nbformat

    expected = execute.kernelspec()
    assert expected["name"] == "python3" and expected["display_name"].startswith("Python 3")
    for path in execute.notebooks():
        assert nbformat.read(path, as_version=4).metadata.kernelspec == expected, path.name


def test_a_widget_is_stored_with_a_readable_stand_in() -> None:
    import nbformat

    widgets = [
        output
        for path in execute.notebooks()
        for cell in nbformat.read(path, as_version=4).cells
        for output in cell.get("outputs", [])
        if execute.WIDGET_VIEW in output.get("data", {})
    ]
    assert widgets, "notebook 07 has widgets"
    assert all(w["data"]["text/plain"] == execute.WIDGET_TEXT for w in widgets)

"""viz.slides: the PDF read back with poppler's pdfinfo and pdftotext, page by page.

Without poppler-utils the tests skip; ``.ci/run`` installs it and sets
``CHAINRULE_REQUIRE_POPPLER=1``, which makes them fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support.threads import run_switching_often

import autograd as ag
import nn
import viz
from autograd import Value
from demos.tour import build


@pytest.fixture(autouse=True)
def poppler() -> None:
    if shutil.which("pdftotext") and shutil.which("pdfinfo"):
        return
    problem = "no pdftotext/pdfinfo: apt-get install poppler-utils"
    if os.environ.get("CHAINRULE_REQUIRE_POPPLER") == "1":
        pytest.fail(f"CHAINRULE_REQUIRE_POPPLER=1 but {problem}")
    pytest.skip(problem)


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in reading order, white space folded (a form feed ends each page)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def folded(text: str) -> str:
    return " ".join(text.split())


def expected_captions(root: Value, passes: str = "both") -> list[str]:
    """The steppers' own step texts, forward pass first (gradients put back afterwards)."""
    order = ag.topological_order(root)
    saved = [node.grad for node in order]
    walks = {"both": [ag.Forward, ag.Backprop], "forward": [ag.Forward],
             "backward": [ag.Backprop]}[passes]  # fmt: skip
    captions = [folded(str(step)) for walk in walks for step in walk(root)]
    for node, grad in zip(order, saved):
        node.grad = grad
    return captions


@pytest.mark.parametrize("backend", viz.available_backends())
def test_one_16_by_9_page_per_step_captioned_with_the_steps_text(
    tmp_path: Path, backend: str
) -> None:
    f, _ = build()
    pdf = viz.slides(f, tmp_path / "tour.pdf", title="f = (x + y) · z", backend=backend)
    captions = expected_captions(f)
    pages = page_texts(pdf)
    assert int(info(pdf)["Pages"]) == len(captions) == len(pages) == 5 + 2
    for page, caption in zip(pages, captions):
        assert page.startswith("f = (x + y) · z")
        assert page.endswith(caption)
    width, height = map(float, re.findall(r"[\d.]+", info(pdf)["Page size"])[:2])
    assert width / height == pytest.approx(16 / 9, rel=1e-3)


def test_the_backward_pass_alone_leaves_the_gradients_of_backward(tmp_path: Path) -> None:
    f, nodes = build()
    pdf = viz.slides(f, tmp_path / "back.pdf", passes="backward")
    assert page_texts(pdf) == expected_captions(f, "backward")
    slid = {n: nodes[n].grad for n in "xyzq"}
    f.backward()  # leaves accumulate (so double), the interior q is computed afresh
    assert {n: nodes[n].grad for n in "xyzq"} == {**{n: 2 * slid[n] for n in "xyz"}, "q": -4.0}
    assert slid == {"x": -4.0, "y": -4.0, "z": 3.0, "q": -4.0}


def test_a_neurons_long_steps_fit_the_page(tmp_path: Path) -> None:
    layer = nn.Layer(4, 2, activation="tanh", seed=1, fused=True)
    out = layer([Value(0.1 * k, label=f"x{k}") for k in range(1, 5)])
    loss = (out[0] - out[1]) ** 2
    pdf = viz.slides(loss, tmp_path / "layer.pdf", passes="backward")
    assert page_texts(pdf) == expected_captions(loss, "backward")
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))  # type: ignore[union-attr]
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert right_edges and max(right_edges) <= page_width


def test_bad_arguments_are_named(tmp_path: Path) -> None:
    f, _ = build()
    with pytest.raises(ValueError, match=r"must end in \.pdf"):
        viz.slides(f, tmp_path / "talk.png")
    with pytest.raises(ValueError, match="passes must be one of"):
        viz.slides(f, tmp_path / "talk.pdf", passes="sideways")
    with pytest.raises(ValueError, match="style must be one of"):
        viz.slides(f, tmp_path / "talk.pdf", style="fancy")  # type: ignore[arg-type]
    (tmp_path / "folder.pdf").mkdir()
    with pytest.raises(IsADirectoryError, match="is a folder"):
        viz.slides(f, tmp_path / "folder.pdf")
    with pytest.raises(TypeError, match=r"must be an autograd\.Value"):
        viz.slides(3.0, tmp_path / "talk.pdf")  # type: ignore[arg-type]


def test_slides_from_threads_keep_their_text_and_matplotlibs_settings(tmp_path: Path) -> None:
    """Type 42 fonts are set in matplotlib's global rcParams for the PDF's writing only:
    two threads writing slides at once each get text a reader can copy (∂, →), and the
    setting is what it was before, whichever thread finishes last."""
    import threading

    import matplotlib

    before = matplotlib.rcParams["pdf.fonttype"]
    f, _ = build()
    paths = [tmp_path / f"{k}.pdf" for k in range(2)]
    run_switching_often([threading.Thread(target=viz.slides, args=(f, p)) for p in paths])
    assert matplotlib.rcParams["pdf.fonttype"] == before
    for path in paths:
        pages = page_texts(path)
        assert any("∂f/∂q" in page and "→" in page for page in pages)

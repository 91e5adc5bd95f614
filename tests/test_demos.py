"""Smoke tests for demos/: every demo runs with --quick, writes valid files and sensible numbers."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from support.requirements import DATA, data_dir

from demos import DEMOS
from demos import __main__ as listing

ROOT = Path(__file__).resolve().parent.parent
CATS_DOGS = DATA
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path: Path) -> None:
    assert path.is_file(), path
    assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    with Image.open(path) as im:
        im.verify()
    with Image.open(path) as im:
        assert im.width > 100 and im.height > 100


def assert_svg(path: Path) -> None:
    assert path.is_file(), path
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg"), f"{path} is not an SVG document"


def demo(name: str) -> Any:
    return importlib.import_module(f"demos.{name}")


# ---- the listing and the command lines ----------------------------------------------------


def test_listing_names_all_ten_with_their_docstring_lines(capsys: pytest.CaptureFixture[str]):
    assert listing.main([]) == 0
    text = capsys.readouterr().out
    assert len(DEMOS) == 10
    for name in DEMOS:
        line = demo(name).__doc__.strip().splitlines()[0]
        assert f"  {name}  " in text or f"  {name} " in text
        assert line in text


def test_python_dash_m_demos_lists_ten():
    out = subprocess.run(
        [sys.executable, "-m", "demos"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert listed == list(DEMOS)


@pytest.mark.parametrize("name", DEMOS)
def test_help(name: str, capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exc:
        demo(name).main(["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--out", "--seed", "--quick"):
        assert flag in text


@pytest.mark.parametrize("name", DEMOS)
@pytest.mark.parametrize(
    ("seed", "message"),
    [("-1", "must be a non-negative integer, got -1"), ("1.5", "'1.5' is not an integer")],
)
def test_a_bad_seed_is_a_clear_usage_error(
    name: str, seed: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    with pytest.raises(SystemExit) as exc:
        demo(name).main(["--quick", "--out", str(tmp_path), "--seed", seed])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())  # rejected before the demo ran


def usage_error(main: Any, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``main(argv)``, expect argparse's usage error (status 2); return stderr."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "usage:" in err
    return err


def snapshot(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("name", DEMOS)
@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("afile", "afile is a file, not a folder"),
        ("afile/sub", "cannot make {tmp}/afile/sub: {tmp}/afile is a file"),
        ("", "must name a folder, got an empty string"),
    ],
    ids=["a-file", "under-a-file", "empty"],
)
def test_a_bad_out_is_a_usage_error_before_the_demo_runs(
    name: str, out: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    target = str(tmp_path / out) if out else ""
    err = usage_error(demo(name).main, ["--quick", "--out", target], capsys)
    assert "argument --out: " in err
    assert message.format(tmp=tmp_path) in err
    assert snapshot(tmp_path) == ["afile"]  # nothing made, nothing trained


@pytest.mark.parametrize("name", DEMOS)
def test_an_unwritable_out_is_a_usage_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """A folder that refuses a new file, itself or as the parent of a new one. Permission
    bits stop nothing as root (CI runs as root), so the refusal is simulated: creating a
    file in ``locked`` raises the PermissionError the OS would."""
    from demos import _cli

    locked = tmp_path / "locked"
    locked.mkdir()
    real = _cli.tempfile.TemporaryFile

    def refuse_in_locked(*args: Any, **kwargs: Any) -> Any:
        if Path(kwargs.get("dir", "")) == locked:
            raise PermissionError(13, "Permission denied", str(locked))
        return real(*args, **kwargs)

    monkeypatch.setattr(_cli.tempfile, "TemporaryFile", refuse_in_locked)
    for out in (locked, locked / "sub"):
        err = usage_error(demo(name).main, ["--quick", "--out", str(out)], capsys)
        assert f"argument --out: cannot write in {locked}: Permission denied" in err
    assert not any(locked.iterdir())


def test_an_out_that_takes_no_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """As root (as in CI containers) permission bits stop nothing: refuse a folder's file here."""
    from demos import _cli

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_cli.tempfile, "TemporaryFile", refuse)
    err = usage_error(demo("xor").main, ["--out", str(tmp_path / "new")], capsys)
    assert f"argument --out: cannot write in {tmp_path}: Permission denied" in err
    assert not any(tmp_path.iterdir())


def test_the_default_out_is_checked_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    Path("out").write_text("a file where the demos' folder goes", encoding="utf-8")
    err = usage_error(demo("moons").main, ["--quick"], capsys)
    assert "argument --out: cannot make out/moons: out is a file" in err


def test_figures_out_must_be_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from demos import figures

    (tmp_path / "afile").touch()
    err = usage_error(figures.main, ["--out", str(tmp_path / "afile"), "perceptron"], capsys)
    assert "argument --out: " in err and "is a file, not a folder" in err


@pytest.mark.parametrize("name", DEMOS)
def test_main_quick_writes_figures_and_summary(name: str, tmp_path: Path):
    out = tmp_path / name
    assert demo(name).main(["--quick", "--out", str(out), "--seed", "1"]) == 0
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert summary.startswith(f"demos.{name}") and "result:" in summary
    record = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert record["demo"] == name and record["results"]
    if name != "computation_graph":  # every demo but that one records its seed and settings
        assert record["seed"] == 1 and record["settings"]
    pngs = sorted(out.glob("*.png"))
    assert pngs, f"{name} wrote no PNG"
    for png in pngs:
        assert_png(png)
    for svg in out.glob("*.svg"):
        assert_svg(svg)


# ---- the numbers ----------------------------------------------------------------------------


def test_tour(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    r = demo("tour").run(tmp_path, quick=True)
    printed = capsys.readouterr().out
    assert (r["f"], r["grad_x"], r["grad_y"], r["grad_z"]) == (-12.0, -4.0, -4.0, 3.0)
    assert "step 1/2  f = q * z = 3 * (-4) = -12" in printed
    assert "∂q/∂x = 1  →  x.grad += (-4) × 1 = -4" in printed
    assert "#  name  op" in printed  # the Wengert list
    for filename in ("graph.svg", "graph.png", "xor.png"):
        assert str(tmp_path / filename) in printed  # says where each file went
    assert_svg(tmp_path / "graph.svg")
    assert_svg(tmp_path / "graph_step1.svg")
    assert_png(tmp_path / "graph.png")
    assert_png(tmp_path / "xor.png")
    svg = (tmp_path / "graph.svg").read_text(encoding="utf-8")
    assert "-12" in svg and "q = 3" in svg  # forward values on the edges
    assert r["xor_accuracy"] >= 0.85 and r["xor_loss"] < 0.3  # 0.908 and 0.246; chance: 0.5, 0.69


README_WIDTH = 830
"""Pixels the README shows an image at (GitHub's column), at most."""


def test_computation_graph_animation(tmp_path: Path):
    r = demo("computation_graph").run(tmp_path, quick=True, quiet=True)
    with Image.open(tmp_path / "backprop.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames == 5  # the start, then one per layer
        durations = []
        for k in range(gif.n_frames):
            gif.seek(k)
            durations.append(gif.info["duration"])
        assert min(durations) >= 2000 and gif.width <= 3 * README_WIDTH
    frames = sorted((tmp_path / "backprop_frames").glob("frame_*.svg"))
    assert len(frames) == r["frames"] == 5
    assert "?" in frames[0].read_text(encoding="utf-8")  # unknown gradients at the start
    third = frames[3].read_text(encoding="utf-8")
    assert "backward 3/4: f2" in third and "∂L/∂z2 = ∂L/∂h2 ⊙ tanh′(z2)" in third
    width_pt = float(re.search(r'<svg width="([\d.]+)pt"', third)[1])  # type: ignore[index]
    caption_pt = float(re.search(r'font-size="([\d.]+)"[^>]*>backward 3/4', third)[1])  # type: ignore[index]
    shown = min(1.0, README_WIDTH / (2 * width_pt))  # the PNG frames are 2 px per point
    assert caption_pt * 2 * shown * 0.75 >= 14  # on screen: px · 0.75 = pt
    layers = (tmp_path / "layers.svg").read_text(encoding="utf-8")
    for box in ("f1", "f2", "f3"):
        assert f">{box}<" in layers
    assert all(r[f"grad_norm_f{i}"] > 0 for i in (1, 2, 3))


def test_perceptron_converges(tmp_path: Path):
    r = demo("perceptron").run(tmp_path, quick=True, quiet=True)
    assert r["converged"] and r["mistakes"][-1] == 0 and r["accuracy"] == 1.0


def test_linear_network_synthetic(tmp_path: Path):
    r = demo("linear_network").run(tmp_path, quick=True, quiet=True)
    assert not r["real_data"]
    for key in ("pinv_accuracy", "ridge_accuracy", "gd_accuracy"):
        assert 0.6 <= r[key] <= 1.0
    assert r["gd_distance_to_pinv"] < 1e-2  # GD from zero goes to the min-norm solution


def test_linear_network_cats_dogs(tmp_path: Path):
    r = demo("linear_network").run(tmp_path, quick=True, data=data_dir(), quiet=True)
    assert r["real_data"]
    assert r["pinv_accuracy"] == 0.8125  # Kandolf, Figure 5 (a)
    assert r["ridge_accuracy"] == 0.775  # Figure 5 (b): scikit-learn's Ridge(), α = 1
    assert r["gd_distance_to_pinv"] < 1e-2
    assert_png(tmp_path / "linear_network.png")


def test_linear_network_missing_data_is_a_clear_error(tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as exc:
        demo("linear_network").main(["--data", str(tmp_path / "nowhere")])
    assert exc.value.code == 2
    assert "does not exist" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert demo("linear_network").main(["--data", str(empty), "--out", str(tmp_path / "o")]) == 2
    assert "no cats/dogs data" in capsys.readouterr().err


def test_activations_derivatives(tmp_path: Path):
    r = demo("activations").run(tmp_path, quick=True, quiet=True)
    assert r["sigmoid'(0)"] == pytest.approx(0.25)
    assert r["tanh'(0)"] == pytest.approx(1.0)
    assert r["relu'(1)"] == 1.0 and r["relu'(-1)"] == 0.0
    assert r["leaky_relu'(-1)"] == pytest.approx(0.1)


def test_representations(tmp_path: Path):
    r = demo("representations").run(tmp_path, quick=True, quiet=True)
    assert r["train_accuracy"] >= 0.65 and r["final_loss"] < 0.5  # chance: 0.5 and 0.69
    # Figure 9.2: random, untrained ReLU features make the spirals far more linearly separable
    assert r["random_probe_layer1"] >= r["random_probe_input"] + 0.2
    assert_png(tmp_path / "representations.png")
    assert_png(tmp_path / "representations_trained.png")


def test_shallow_vs_deep(tmp_path: Path):
    r = demo("shallow_vs_deep").run(tmp_path, quick=True, quiet=True)
    assert (r["shallow_params"], r["deep_params"]) == (257, 881)
    assert r["wide_params"] == r["deep_params"]  # the comparison at equal parameter count
    for key in ("shallow", "deep", "wide"):
        assert 0 < r[f"{key}_train_mse"] < 1 and 0 < r[f"{key}_val_mse"] < 1
        assert r[f"{key}_epochs"] == 60 and isinstance(r[f"{key}_flat"], bool)
    best = "deep-narrow" if r["deep_val_mse"] < r["shallow_val_mse"] else "shallow 2-64-1"
    assert r["verdict"].startswith(best) and "generalises better" in r["verdict"]
    record = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert record["settings"]["epochs"] == 60 and record["results"]["verdict"] == r["verdict"]


def test_shallow_vs_deep_flatness_and_overfitting_rules():
    svd = demo("shallow_vs_deep")
    assert svd.is_flat([1.0] * 10 + [0.99] * 10)
    assert not svd.is_flat([1.0] * 10 + list(np.linspace(1.0, 0.5, 10)))
    assert not svd.is_flat([1.0, 1.0])  # too short to tell
    assert svd.turns_up([1.0, 0.5, 0.6]) and not svd.turns_up([1.0, 0.5, 0.51])


def test_moons_matches_micrograd(tmp_path: Path):
    r = demo("moons").run(tmp_path, quick=True, quiet=True)
    assert r["train_accuracy"] >= 0.85  # micrograd reaches 100 % after its 100 steps


def test_smoke_pm25_baselines(tmp_path: Path):
    r = demo("smoke_pm25").run(tmp_path, quick=True, quiet=True)
    for key in ("persistence", "linear", "mlp"):
        assert 0 < r[f"{key}_test_mae"] <= r[f"{key}_test_rmse"] < 100
    assert r["linear_test_rmse"] < r["persistence_test_rmse"]
    assert r["mlp_negative_forecasts"] == 0  # softplus output


def test_smoke_pm25_from_csv(tmp_path: Path):
    import nn

    series = nn.data.smoke_pm25(days=200, seed=3)
    lines = ["date,pm25,temperature,wind,humidity"]
    for i, day in enumerate(series.dates):
        if i == 50:
            continue  # a missing day: interpolated
        w = [series.weather[k][i] for k in ("temperature", "wind", "humidity")]
        lines.append(f"{day},{series.pm25[i]:.2f},{w[0]:.2f},{w[1]:.2f},{w[2]:.2f}")
    csv = tmp_path / "station.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert demo("smoke_pm25").main(["--quick", "--csv", str(csv), "--out", str(out)]) == 0
    assert "station data from" in (out / "summary.txt").read_text(encoding="utf-8")


def test_smoke_pm25_plots_predictions_on_their_dates_when_days_are_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import nn
    import viz

    series = nn.data.smoke_pm25(days=200, seed=3)
    gap = range(
        170, 176
    )  # six missing days (validation part): longer than the interpolated 3, rows are dropped
    lines = ["date,pm25,temperature,wind,humidity"]
    for i, day in enumerate(series.dates):
        if i in gap:
            continue
        w = [series.weather[k][i] for k in ("temperature", "wind", "humidity")]
        lines.append(f"{day},{series.pm25[i]:.2f},{w[0]:.2f},{w[1]:.2f},{w[2]:.2f}")
    csv = tmp_path / "station.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seen: dict[str, Any] = {}
    plot = viz.plot_regression

    def spy(observed: Any, predicted: Any, **kwargs: Any) -> Any:
        seen.update(kwargs, observed=np.asarray(observed))
        return plot(observed, predicted, **kwargs)

    monkeypatch.setattr(viz, "plot_regression", spy)
    demo("smoke_pm25").run(tmp_path / "out", quick=True, quiet=True, csv=csv, epochs=2)
    dates = seen["time"]
    assert dates is not None and dates.dtype == np.dtype("datetime64[D]")
    assert len(dates) == len(seen["observed"])
    assert np.all(np.diff(dates) > np.timedelta64(0, "D"))
    assert dates[-1] == series.dates[-1]
    skipped = np.diff(dates).max()  # the missing days plus the rows whose lags touch them
    assert skipped == np.timedelta64(len(gap) + 3 + 1, "D")
    for i in gap:
        assert series.dates[i] not in dates
    for k, day in enumerate(dates):  # each observation is the station's value on that day
        i = int((day - series.dates[0]).astype(int))
        assert round(series.pm25[i], 2) == pytest.approx(seen["observed"][k])


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("folder", "{tmp}/folder is a folder, not a file"),
        ("missing.csv", "{tmp}/missing.csv does not exist"),
        ("", "must name a file, got an empty string"),
    ],
    ids=["folder", "missing", "empty"],
)
def test_smoke_pm25_csv_must_be_a_readable_file(
    csv: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    (tmp_path / "folder").mkdir()
    out = tmp_path / "out"
    path = str(tmp_path / csv) if csv else ""
    err = usage_error(demo("smoke_pm25").main, ["--csv", path, "--out", str(out)], capsys)
    assert "argument --csv: " + message.format(tmp=tmp_path) in err
    assert not out.exists()


def test_smoke_pm25_csv_that_cannot_be_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """An unreadable file: opening it raises the PermissionError the OS would (simulated,
    as permission bits stop nothing as root, and CI runs as root)."""
    csv = tmp_path / "station.csv"
    csv.write_text("date,pm25\n", encoding="utf-8")

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    err = usage_error(demo("smoke_pm25").main, ["--csv", str(csv)], capsys)
    assert f"argument --csv: cannot read {csv}: Permission denied" in err


@pytest.mark.parametrize("name", ["linear_network", "shallow_vs_deep", "smoke_pm25", "xor"])
@pytest.mark.parametrize("epochs", ["0", "-3", "1e3", "nan", "100001"])
def test_epochs_must_be_a_count_in_range(
    name: str, epochs: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    err = usage_error(demo(name).main, ["--epochs", epochs, "--out", str(tmp_path)], capsys)
    assert "argument --epochs: " in err
    assert "must be between 1 and" in err or "is not an integer" in err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("name", "flag", "constraint"),
    [
        ("linear_network", "--epochs", "1–100000"),
        ("shallow_vs_deep", "--epochs", "1–100000"),
        ("smoke_pm25", "--epochs", "1–100000"),
        ("smoke_pm25", "--csv", "readable"),
        ("xor", "--epochs", "1–20000"),
        ("xor", "--hidden", "2–32"),
        ("xor", "--lr", "≤ 10"),
        ("tour", "--out", "must not be a file"),
        ("tour", "--seed", "≥ 0"),
    ],
)
def test_help_states_each_constraint(
    name: str, flag: str, constraint: str, capsys: pytest.CaptureFixture[str]
):
    with pytest.raises(SystemExit):
        demo(name).main(["--help"])
    text = capsys.readouterr().out
    # The flag's entry: its line and the indented lines argparse wraps it onto.
    entry = re.search(rf"^  {flag}\b.*?(?=^  -|^\S|^$)", text, re.MULTILINE | re.DOTALL)
    assert entry is not None, text
    assert constraint in " ".join(entry.group(0).split())


# ---- XOR's knobs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flags",
    [
        ["--hidden", "16"],
        ["--activation", "tanh"],
        ["--lr", "0.005"],
        ["--hidden", "8", "--epochs", "2000"],
    ],
    ids=["16-hidden", "tanh", "lr-0.005", "2000-epochs"],
)
def test_xor_seed_suggestions_run(flags: list[str], tmp_path: Path):
    assert demo("xor").main([*flags, "--quick", "--out", str(tmp_path)]) == 0
    summary = (tmp_path / "summary.txt").read_text(encoding="utf-8")
    if "2000" in flags:
        assert "epochs = 2000" in summary and "accuracy = 1" in summary


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--hidden", "1"], "must be between 2 and 32"),
        (["--hidden", "33"], "must be between 2 and 32"),
        (["--hidden", "eight"], "'eight' is not an integer"),
        (["--activation", "sigmoid"], "invalid choice"),
        (["--lr", "0"], "must be a positive finite number"),
        (["--lr", "-1"], "must be a positive finite number"),
        (["--lr", "nan"], "must be a positive finite number"),
        (["--lr", "inf"], "must be a positive finite number"),
        (["--lr", "1e400"], "must be a positive finite number"),
        (["--lr", "1e308"], "must be at most 10, got 1e308"),
        (["--lr", "10.5"], "must be at most 10, got 10.5"),
        (["--lr", "fast"], "'fast' is not a number"),
        (["--epochs", "0"], "must be between 1 and"),
    ],
)
def test_xor_rejects_bad_flags(flags: list[str], message: str, tmp_path: Path, capsys):
    err = usage_error(demo("xor").main, [*flags, "--out", str(tmp_path)], capsys)
    assert f"argument {flags[0]}: {message}" in err
    assert not any(tmp_path.iterdir())


def test_xor_accepts_the_largest_lr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    xor = demo("xor")
    seen: list[Any] = []
    monkeypatch.setattr(xor, "run", lambda *args, **kwargs: seen.append(args))
    assert xor.main(["--lr", "10", "--out", str(tmp_path)]) == 0
    assert seen[0][5] == 10.0


@pytest.mark.parametrize("lr", [0.0, -1.0, float("nan"), float("inf"), 1e308])
def test_xor_train_refuses_a_bad_lr(lr: float):
    with pytest.raises(ValueError, match="lr must be a number > 0 and ≤ 10"):
        demo("xor").train(lr=lr, epochs=1)


def test_xor_result(tmp_path: Path):
    r = demo("xor").run(tmp_path, quiet=True)  # the chapter's cell: relu, H = 8, 500 epochs
    assert r["train_accuracy"] >= 0.9 and r["final_loss"] < 0.25


# ---- figures ------------------------------------------------------------------------------


def test_figures_regenerate_into_a_folder(tmp_path: Path):
    from demos import figures

    assert set(figures.FIGURES) == set(DEMOS)
    written = figures.regenerate(tmp_path, only=["tour", "perceptron"])
    assert {p.name for p in written} == {"tour_graph.svg", "tour_graph.png", "perceptron.png"}
    assert_png(tmp_path / "tour_graph.png")
    again = figures.regenerate(tmp_path / "again", only=["perceptron"])
    assert again[0].read_bytes() == (tmp_path / "perceptron.png").read_bytes()  # deterministic


@pytest.mark.source_tree
def test_demos_leave_plotting_and_graphviz_to_viz():
    """DESIGN.md: graphviz and matplotlib are imported only inside viz (demos call viz.plot_*)."""
    for path in sorted((ROOT / "demos").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for name in ("matplotlib", "import graphviz", "from graphviz"):
            assert name not in text, f"{path.name} mentions {name}"


def test_committed_images_are_small():
    images = ROOT / "docs" / "images"
    if not images.is_dir():
        pytest.skip("no docs/images yet")
    for path in images.iterdir():
        assert path.stat().st_size < 300_000, path

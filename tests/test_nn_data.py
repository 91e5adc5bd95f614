"""nn.data: toy sets, splitting, cats/dogs (real files when present), PM2.5 generator and CSV."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.requirements import data_file

import nn
from nn import data


def test_xor_is_the_seed_cell() -> None:
    X, y = data.xor(120, seed=0)
    rng = np.random.default_rng(0)
    expected = rng.uniform(-1, 1, (120, 2))
    assert np.array_equal(X, expected)
    assert np.array_equal(y, (expected[:, 0] * expected[:, 1] > 0).astype(int))


@pytest.mark.parametrize(
    "make", [data.xor, data.moons, data.circles, data.spirals, data.blobs], ids=lambda f: f.__name__
)
def test_toy_sets_are_seeded_arrays(make) -> None:  # type: ignore[no-untyped-def]
    X, y = make(n=101, seed=3)
    assert X.shape == (101, 2) and X.dtype == np.float64 and y.shape == (101,)
    assert y.dtype.kind == "i" and np.isfinite(X).all()
    X2, y2 = make(n=101, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, make(n=101, seed=4)[0])
    with pytest.raises(ValueError, match="positive"):
        make(n=0)


def test_toy_shapes_without_noise() -> None:
    X, y = data.moons(200, noise=0.0, seed=0)
    outer, inner = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(*outer.T), 1.0)
    assert np.allclose(np.hypot(inner[:, 0] - 1, inner[:, 1] - 0.5), 1.0)
    X, y = data.circles(100, noise=0.0, factor=0.3, seed=0)
    assert np.allclose(np.hypot(*X[y == 0].T), 1.0) and np.allclose(np.hypot(*X[y == 1].T), 0.3)
    X, y = data.spirals(200, noise=0.0, classes=2, seed=0)
    assert np.bincount(y).tolist() == [100, 100] and np.hypot(*X.T).max() == pytest.approx(1.0)
    # the two spirals are rotations of each other by π
    a, b = X[y == 0], X[y == 1]
    assert np.allclose(np.sort(np.hypot(*a.T)), np.sort(np.hypot(*b.T)))
    X, y = data.blobs(300, centers=3, std=0.1, seed=0)
    spread = max(X[y == k].std(axis=0).max() for k in range(3))
    assert spread < 0.15
    with pytest.raises(ValueError, match="noise"):
        data.moons(10, noise=-1.0)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 200), st.floats(0.05, 0.95), st.integers(0, 1000))
def test_train_val_split_partitions(n: int, fraction: float, seed: int) -> None:
    X = np.arange(2 * n, dtype=float).reshape(n, 2)
    y = np.arange(n)
    (Xt, yt), (Xv, yv) = data.train_val_split(X, y, fraction, seed=seed)
    assert 1 <= len(yv) <= n - 1 and len(yt) + len(yv) == n
    assert sorted(np.r_[yt, yv].tolist()) == list(range(n))
    assert np.array_equal(Xt[:, 0], 2 * yt) and np.array_equal(Xv[:, 0], 2 * yv)


def test_split_and_standardize_errors_and_values() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        data.train_val_split(np.zeros((1, 2)), np.zeros(1))
    with pytest.raises(ValueError, match="val_fraction"):
        data.train_val_split(np.zeros((5, 2)), np.zeros(5), 1.0)
    rng = np.random.default_rng(0)
    A, B = rng.normal(3, 2, (50, 3)), rng.normal(size=(7, 3))
    A[:, 2] = 5.0
    Za, Zb = data.standardize(A, B)
    assert np.allclose(Za[:, :2].mean(axis=0), 0) and np.allclose(Za[:, :2].std(axis=0), 1)
    assert np.all(Za[:, 2] == 0)  # a constant column is centred, not divided by 0
    assert np.allclose(Zb[:, 0], (B[:, 0] - A[:, 0].mean()) / A[:, 0].std())
    with pytest.raises(ValueError, match="NaN"):
        data.standardize(np.array([[np.nan]]))


# ---- cats and dogs -------------------------------------------------------------------------


def test_cats_dogs_pseudo_inverse_reference_accuracy() -> None:
    cd = data.cats_dogs(data_file("cats_dogs_wavelet.npz").parent)
    assert cd.cats.shape == cd.dogs.shape == (1024, 80)
    (Xt, yt), (Xs, ys) = data.cats_dogs_split(cd, n_train=40)
    assert Xt.shape == (80, 1024) and Xs.shape == (80, 1024)
    assert np.array_equal(Xt[:40], cd.dogs[:, :40].T)  # dogs first, +1 (the seed's order)
    assert yt.tolist() == [1.0] * 40 + [-1.0] * 40
    A = nn.lstsq_pinv(Xt, yt)
    assert np.allclose(A, yt @ np.linalg.pinv(Xt.T))
    assert np.mean(np.sign(Xs @ A) == ys) == 0.8125


def test_cats_dogs_mat_and_npz_agree() -> None:
    npz = data.cats_dogs(data_file("cats_dogs_wavelet.npz"))
    data_file("catData_w.mat")
    mat = data.cats_dogs(data_file("dogData_w.mat"))
    assert np.array_equal(npz.cats, mat.cats) and np.array_equal(npz.dogs, mat.dogs)


def test_cats_dogs_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.cats_dogs(tmp_path / "nothing")
    with pytest.raises(FileNotFoundError, match="no cats/dogs data"):
        data.cats_dogs(tmp_path)
    bad = tmp_path / "cats_dogs_wavelet.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match=r"not a readable .npz"):
        data.cats_dogs(tmp_path)
    np.savez(bad, cat_wave=np.zeros((4, 3), np.uint8))
    with pytest.raises(ValueError, match=r"missing.*dog_wave"):
        data.cats_dogs(bad)
    np.savez(bad, cat_wave=np.zeros((4, 3)), dog_wave=np.zeros(5))
    with pytest.raises(ValueError, match="2-D numeric"):
        data.cats_dogs(bad)
    np.savez(bad, cat_wave=np.zeros((4, 3)), dog_wave=np.zeros((4, 2)))
    with pytest.raises(ValueError, match="same shape"):
        data.cats_dogs(bad)
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("cat_wave.npy", b"garbage")
    with pytest.raises(ValueError):
        data.cats_dogs(bad)
    (tmp_path / "catData_w.mat").write_bytes(b"MATLAB garbage")
    bad.unlink()
    with pytest.raises((ValueError, FileNotFoundError, ImportError)):
        data.cats_dogs(tmp_path)


def test_cats_dogs_mat_without_scipy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    (tmp_path / "catData_w.mat").write_bytes(b"x")
    (tmp_path / "dogData_w.mat").write_bytes(b"x")
    monkeypatch.setitem(sys.modules, "scipy.io", None)
    with pytest.raises(ImportError, match=r"pip install scipy.*\.npz"):
        data.cats_dogs(tmp_path / "catData_w.mat")


# ---- PM2.5 ---------------------------------------------------------------------------------


def test_smoke_pm25_generator_behaviour() -> None:
    s = data.smoke_pm25(days=3 * 365, seed=0)
    n = 3 * 365
    assert s.dates[0] == np.datetime64("2019-01-01") and len(s.dates) == n
    assert np.all(np.diff(s.dates) == np.timedelta64(1, "D"))
    assert set(s.weather) == {"temperature", "wind", "humidity"}
    assert np.all(s.pm25 > 0) and np.isfinite(s.pm25).all()
    doy = (s.dates - s.dates.astype("datetime64[Y]")).astype(int) + 1
    season = (doy >= 182) & (doy <= 273)
    assert np.all(
        s.smoke[~season & (np.r_[0, s.smoke[:-1]] == 0)] == 0
    )  # no smoke starts off-season
    assert s.smoke[season].sum() > 0
    assert np.median(s.pm25[s.smoke > 10]) > 2 * np.median(s.pm25[s.smoke == 0])
    clean = s.smoke == 0
    assert np.corrcoef(s.weather["wind"][clean], np.log(s.pm25[clean]))[0, 1] < -0.2
    summer = (doy > 180) & (doy < 240)
    assert s.weather["temperature"][summer].mean() > s.weather["temperature"][~summer].mean() + 5
    assert s.weather["humidity"].min() >= 10 and s.weather["humidity"].max() <= 100
    # autocorrelated: today predicts tomorrow
    assert np.corrcoef(s.pm25[:-1], s.pm25[1:])[0, 1] > 0.5
    again = data.smoke_pm25(days=n, seed=0)
    assert np.array_equal(again.pm25, s.pm25)
    assert not np.array_equal(data.smoke_pm25(days=n, seed=1).pm25, s.pm25)


def test_lag_features_by_hand() -> None:
    pm = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    weather = np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    X, y = data.lag_features(pm, lags=2, weather=weather)
    assert X.tolist() == [[2, 1, 20], [3, 2, 30], [4, 3, 40], [5, 4, 50]]
    assert y.tolist() == [3, 4, 5, 6]
    X, y = data.lag_features(pm, lags=[1, 3])
    assert X.tolist() == [[3, 1], [4, 2], [5, 3]] and y.tolist() == [4, 5, 6]
    pm[2] = np.nan  # rows touching the missing day are dropped
    X, y = data.lag_features(pm, lags=1)
    assert X.tolist() == [[1], [4], [5]] and y.tolist() == [2, 5, 6]
    s = data.smoke_pm25(days=50)
    X, y = data.lag_features(s, lags=3)
    assert X.shape == (47, 6) and np.array_equal(X[:, 3:], s.weather_matrix()[2:-1])
    with pytest.raises(ValueError, match="too short"):
        data.lag_features(pm[:2], lags=3)
    with pytest.raises(ValueError, match="weather has 2 rows"):
        data.lag_features(pm, lags=1, weather=np.zeros(2))


def test_lag_features_knows_each_targets_day() -> None:
    import copy
    import pickle

    pm = np.array([1.0, 2.0, np.nan, 4.0, 5.0, 6.0])
    table = data.lag_features(pm, lags=1)
    X, y = table  # still unpacks as (X, y)
    assert y.tolist() == [2, 5, 6] and table.y is y and table.X is X
    assert table.rows.tolist() == [1, 4, 5] and table.dates is None
    s = data.smoke_pm25(days=30, start="2020-02-27")
    s.pm25[10] = np.nan  # a missing day drops the rows that touch it
    table = data.lag_features(s, lags=2)
    assert len(table.dates) == len(table.y) == 30 - 2 - 3
    assert np.array_equal(table.y, s.pm25[table.rows])
    assert np.array_equal(table.dates, s.dates[table.rows])
    assert str(table.dates[0]) == "2020-02-29" and np.datetime64("2020-03-08") not in table.dates
    assert np.datetime64("2020-03-11") in table.dates  # day 13: lags on days 11 and 12
    for clone in (copy.deepcopy(table), pickle.loads(pickle.dumps(table))):
        assert np.array_equal(clone.dates, table.dates) and np.array_equal(clone[1], table.y)
    assert "LagFeatures(X shape (25, 5)" in repr(table)


def test_pm25_lag_model_beats_persistence() -> None:
    """Ridge on lags + weather predicts next-day PM2.5 better than 'tomorrow = today'."""
    s = data.smoke_pm25(days=4 * 365, seed=2)
    X, y = data.lag_features(s, lags=3)
    Xb = np.c_[X, np.ones(len(X))]
    cut = 3 * 365
    A = nn.ridge(Xb[:cut], y[:cut], 1.0)
    model_mse = np.mean((Xb[cut:] @ A - y[cut:]) ** 2)
    persistence_mse = np.mean((X[cut:, 0] - y[cut:]) ** 2)
    assert model_mse < persistence_mse


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "station.csv"
    path.write_text(text)
    return path


def test_load_pm25_csv(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "date,pm25,temperature,wind\n2021-08-02,12.5,20,3\n2021-08-01,10,NA,2.5\n"
        "2021-08-03,,22,4\n",
    )
    s = data.load_pm25_csv(path)
    assert s.dates.tolist() == [np.datetime64("2021-08-01", "D").item(),
                                np.datetime64("2021-08-02", "D").item(),
                                np.datetime64("2021-08-03", "D").item()]  # fmt: skip
    assert s.pm25[:2].tolist() == [10.0, 12.5] and np.isnan(s.pm25[2])
    assert list(s.weather) == ["temperature", "wind"] and np.isnan(s.weather["temperature"][0])
    assert s.smoke is None


def test_load_pm25_csv_gaps(tmp_path: Path) -> None:
    text = "date,pm25\n2021-08-01,10\n2021-08-02,12\n2021-08-05,18\n2021-08-20,1\n"
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=r"16 day.*missing, the first 2021-08-03"):
        data.load_pm25_csv(path)
    s = data.load_pm25_csv(path, gaps="nan")
    assert len(s.pm25) == 20 and np.isnan(s.pm25[2:4]).all() and s.pm25[4] == 18
    s = data.load_pm25_csv(path, gaps="interpolate", max_gap=3)
    assert s.pm25[2:4].tolist() == [14.0, 16.0]  # a 2-day gap filled linearly
    assert np.isnan(s.pm25[5:19]).all()  # a 14-day gap is left missing


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day,pm25\n2021-01-01,1\n", "no 'date' column"),
        ("date,pm25\n", "no data rows"),
        ("date,pm25\n2021-01-01,1\n2021-01-01,2\n", "2021-01-01 appears more than once"),
        ("date,pm25\n2021-01-01,1\n2021-13-01,2\n", "line 3: '2021-13-01' is not a YYYY-MM-DD"),
        ("date,pm25\n2021-01-01,high\n", "line 2, column 'pm25': 'high' is not a number"),
        ("date,pm25,wind\n2021-01-01,1,calm\n", "column 'wind': 'calm'"),
        ("date,pm25\n2021-01-01,-3\n", "cannot be negative"),
        ("date,pm25\n2021-01-01,inf\n", "not finite"),
        ("date,pm25,wind\n2021-01-01,1\n", "no 'wind' cell"),
    ],
)
def test_load_pm25_csv_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        data.load_pm25_csv(write(tmp_path, text))


def test_load_pm25_csv_missing_file_and_bad_option(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        data.load_pm25_csv(tmp_path / "none.csv")
    with pytest.raises(ValueError, match="gaps"):
        data.load_pm25_csv(tmp_path / "none.csv", gaps="fill")

"""Daily PM2.5 during wildfire smoke seasons: a synthetic generator, a CSV loader, lag features.

The seed's running example predicts tomorrow's station PM2.5 (µg/m³) from the last
days' PM2.5 and today's weather. :func:`smoke_pm25` makes such a series with known
mechanics; :func:`load_pm25_csv` reads real station data; :func:`lag_features`
turns either into a supervised table ``(X, y)``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from nn.module import check_count

MISSING = {"", "na", "nan", "null", "none", "-"}
"""Cell texts read as a missing value (NaN), case-insensitively."""


class DailySeries(NamedTuple):
    """One value per calendar day, no dates missing.

    ``dates`` (datetime64[D]), ``pm25`` (µg/m³, NaN where missing), ``weather``
    (name → array, same length), ``smoke`` (the synthetic smoke contribution in
    µg/m³, or None for real data).
    """

    dates: np.ndarray
    pm25: np.ndarray
    weather: dict[str, np.ndarray]
    smoke: np.ndarray | None = None

    def weather_matrix(self) -> np.ndarray:
        """The weather as an (n_days, n_variables) array, columns in ``weather`` order."""
        if not self.weather:
            return np.empty((len(self.pm25), 0))
        return np.column_stack(list(self.weather.values()))


def _ar1(rng: np.random.Generator, n: int, phi: float, sigma: float) -> np.ndarray:
    """Stationary AR(1): ``eₜ = φ·eₜ₋₁ + √(1-φ²)·σ·εₜ`` (marginal standard deviation σ)."""
    e = np.empty(n)
    e[0] = rng.normal(0.0, sigma)
    shocks = rng.normal(0.0, sigma * math.sqrt(1 - phi**2), n)
    for t in range(1, n):
        e[t] = phi * e[t - 1] + shocks[t]
    return e


def smoke_pm25(
    days: int = 3 * 365,
    start: str = "2019-01-01",
    seed: int | None = 0,
    fire_season: tuple[int, int] = (182, 273),
) -> DailySeries:
    """A synthetic daily station record: weather, background PM2.5 and smoke episodes.

    With d the day of the year and AR(1) noises of the given persistence φ:

    * temperature  T = 16 + 9·sin(2π(d - 105)/365) + AR(φ=0.7, σ=2.5)      [°C]
    * humidity     H = clip(65 - 1.5·(T - 16) + AR(φ=0.6, σ=7), 10, 100)    [%]
    * wind         W = 3.5·exp(AR(φ=0.5, σ=0.35) - 0.06)                    [m/s]
    * background   B = 7 + 3·cos(2π(d - 15)/365)   (winter heating, inversions)
    * smoke S: on each day of the fire season (day of year in ``fire_season``,
      July-September by default) a fire episode starts with probability
      p = min(0.25, 0.05·exp(0.15·(T - 16) - 0.03·(H - 65))) (hot, dry days burn);
      it lasts 2 + Poisson(4) days with a peak ~ LogNormal(ln 60, 0.5) µg/m³
      following a half-sine profile; overlapping episodes add. S = 0 outside.
    * PM2.5 = (B + S) · exp(-0.15·(W - 3.5)) · max(0.5, 1 + 0.004·(H - 65))
      · exp(AR(φ=0.5, σ=0.15)): wind disperses, humid air grows particles, and
      the multiplicative noise is autocorrelated. Always positive.

    Returns a :class:`DailySeries` with weather ``temperature``, ``wind``,
    ``humidity`` and the true smoke term in ``smoke``. Deterministic for a seed.
    """
    n = check_count(days, "days")
    lo, hi = fire_season
    if not 1 <= lo <= hi <= 366:
        raise ValueError(f"fire_season must be (first, last) days of year, got {fire_season!r}")
    rng = np.random.default_rng(seed)
    dates = np.datetime64(start, "D") + np.arange(n)
    years = dates.astype("datetime64[Y]")
    doy = (dates - years.astype("datetime64[D]")).astype(np.int64) + 1
    temperature = 16 + 9 * np.sin(2 * np.pi * (doy - 105) / 365) + _ar1(rng, n, 0.7, 2.5)
    humidity = np.clip(65 - 1.5 * (temperature - 16) + _ar1(rng, n, 0.6, 7.0), 10, 100)
    wind = 3.5 * np.exp(_ar1(rng, n, 0.5, 0.35) - 0.06)
    background = 7 + 3 * np.cos(2 * np.pi * (doy - 15) / 365)
    smoke = np.zeros(n)
    in_season = (doy >= lo) & (doy <= hi)
    p = np.minimum(0.25, 0.05 * np.exp(0.15 * (temperature - 16) - 0.03 * (humidity - 65)))
    starts = in_season & (rng.uniform(size=n) < p)
    for t in np.flatnonzero(starts):
        length = 2 + int(rng.poisson(4))
        peak = float(rng.lognormal(math.log(60), 0.5))
        profile = peak * np.sin(np.pi * (np.arange(length) + 0.5) / length)
        span = slice(t, min(n, t + length))
        smoke[span] += profile[: span.stop - t]
    disperse = np.exp(-0.15 * (wind - 3.5))
    growth = np.maximum(0.5, 1 + 0.004 * (humidity - 65))
    pm25 = (background + smoke) * disperse * growth * np.exp(_ar1(rng, n, 0.5, 0.15))
    weather = {"temperature": temperature, "wind": wind, "humidity": humidity}
    return DailySeries(dates, pm25, weather, smoke)


class LagFeatures(tuple[np.ndarray, np.ndarray]):
    """``(X, y)`` from :func:`lag_features`, which also says which day each row predicts.

    It unpacks as the pair ``X, y = lag_features(...)``; ``rows`` (int array) holds
    each target's index in the series and ``dates`` (datetime64[D]) its date, or
    None when the series was a plain array. Rows dropped for missing values leave
    gaps in ``rows`` and ``dates``, so a plot can put every prediction on its day.
    """

    X: np.ndarray
    y: np.ndarray
    rows: np.ndarray
    dates: np.ndarray | None

    def __new__(
        cls, X: np.ndarray, y: np.ndarray, rows: np.ndarray, dates: np.ndarray | None
    ) -> LagFeatures:
        table = super().__new__(cls, (X, y))
        table.X, table.y, table.rows, table.dates = X, y, rows, dates
        return table

    def __getnewargs__(self) -> tuple[Any, ...]:
        return (self.X, self.y, self.rows, self.dates)  # copy and pickle rebuild all four

    def __repr__(self) -> str:
        span = (
            ""
            if self.dates is None or not len(self.dates)
            else (f", dates {self.dates[0]}…{self.dates[-1]}")
        )
        return f"LagFeatures(X shape {self.X.shape}, y shape {self.y.shape}{span})"


def lag_features(
    series: DailySeries | Any,
    lags: int | Sequence[int] = 3,
    weather: Mapping[str, Any] | np.ndarray | None = None,
) -> LagFeatures:
    """Supervised rows (lagged PM2.5 + weather on day t → PM2.5 on day t + 1).

    ``lags``: k means lags 1…k, or give the lags explicitly; lag ℓ is the value
    on day t + 1 - ℓ (lag 1 is today). ``weather``: an (n,) or (n, m) array or
    a name → array mapping; when ``series`` is a :class:`DailySeries` and
    ``weather`` is None, its own weather is used (pass its ``pm25`` array for
    lags only). Columns of X: the lags in the given order, then the weather
    variables on day t. Rows whose features or target contain NaN (missing
    days) are dropped. Returns ``(X, y)`` as a :class:`LagFeatures`, which also
    carries each target's position in the series (``rows``) and, for a
    :class:`DailySeries`, its date (``dates``).
    """
    dates = None
    if isinstance(series, DailySeries):
        pm = series.pm25
        dates = np.asarray(series.dates, dtype="datetime64[D]")
        if weather is None:
            weather = series.weather_matrix()
    else:
        pm = np.asarray(series)
        if pm.dtype.kind not in "biuf":
            raise TypeError(f"the series must hold numbers, got dtype {pm.dtype}")
    pm = np.asarray(pm, dtype=np.float64)
    if pm.ndim != 1:
        raise ValueError(f"the series must be 1-D (one value per day), got shape {pm.shape}")
    lag_list = (
        list(range(1, check_count(lags, "lags") + 1))
        if isinstance(lags, int)
        else [check_count(ell, "a lag") for ell in lags]
    )
    if not lag_list:
        raise ValueError("give at least one lag")
    n = len(pm)
    W: np.ndarray
    if weather is None:
        W = np.empty((n, 0))
    elif isinstance(weather, Mapping):
        W = np.column_stack([np.asarray(v, dtype=np.float64) for v in weather.values()])
    else:
        W = np.asarray(weather, dtype=np.float64)
        W = W[:, None] if W.ndim == 1 else W
    if W.ndim != 2 or W.shape[0] != n:
        raise ValueError(f"weather has {W.shape[0]} rows but the series has {n} days")
    first = max(lag_list) - 1
    t = np.arange(first, n - 1)
    if len(t) == 0:
        raise ValueError(f"a series of {n} days is too short for lags up to {max(lag_list)}")
    X = np.column_stack([pm[t + 1 - ell] for ell in lag_list] + [W[t]])
    y = pm[t + 1]
    keep = np.isfinite(X).all(axis=1) & np.isfinite(y)
    if not keep.any():
        raise ValueError("every row has a missing value; no training rows are left")
    rows = t[keep] + 1
    return LagFeatures(X[keep], y[keep], rows, None if dates is None else dates[rows])


def _parse_date(text: str, line: int, where: str) -> np.datetime64:
    try:
        return np.datetime64(dt.date.fromisoformat(text.strip()), "D")
    except ValueError:
        raise ValueError(f"{where} line {line}: {text!r} is not a YYYY-MM-DD date") from None


def _parse_number(text: str | None, line: int, column: str, where: str) -> float:
    if text is None:
        raise ValueError(f"{where} line {line}: the row has no {column!r} cell (too few cells)")
    if text.strip().lower() in MISSING:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"{where} line {line}, column {column!r}: {text!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"{where} line {line}, column {column!r}: {text!r} is not finite")
    return value


def _interpolate(x: np.ndarray, max_gap: int) -> np.ndarray:
    """Linear interpolation of interior NaN runs no longer than ``max_gap``."""
    out = x.copy()
    bad = np.isnan(x)
    i = 0
    while i < len(x):
        if not bad[i]:
            i += 1
            continue
        j = i
        while j < len(x) and bad[j]:
            j += 1
        if i > 0 and j < len(x) and j - i <= max_gap:
            out[i:j] = np.interp(np.arange(i, j), [i - 1, j], [x[i - 1], x[j]])
        i = j
    return out


def load_pm25_csv(
    path: str | os.PathLike[str],
    date_column: str = "date",
    pm25_column: str = "pm25",
    weather_columns: Sequence[str] | None = None,
    gaps: str = "error",
    max_gap: int = 3,
) -> DailySeries:
    """Read daily station data from a CSV file with a header row.

    * ``date_column`` holds ISO dates (YYYY-MM-DD); rows may come in any order
      (they are sorted); a repeated date is an error.
    * ``pm25_column`` and ``weather_columns`` (default: every other column) must
      hold numbers; empty cells and NA/NaN/null/none/- are missing values (NaN);
      any other text is an error naming the line and column. Negative PM2.5 is
      an error.
    * Missing dates (gaps in the calendar): ``gaps="error"`` (default) raises,
      naming the first missing date; ``"nan"`` inserts the days with NaN values;
      ``"interpolate"`` inserts them and fills every run of at most ``max_gap``
      missing days (and missing cells) linearly, leaving longer runs NaN.
      :func:`lag_features` drops rows that touch a NaN.
    """
    if gaps not in ("error", "nan", "interpolate"):
        raise ValueError(f"gaps must be 'error', 'nan' or 'interpolate', got {gaps!r}")
    where = os.fspath(path)
    try:
        with Path(path).open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            rows = [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise FileNotFoundError(f"{where} does not exist") from None
    except UnicodeDecodeError:
        raise ValueError(f"{where} is not a UTF-8 text (CSV) file") from None
    for col in (date_column, pm25_column):
        if col not in header:
            raise ValueError(f"{where}: no {col!r} column in the header {header}")
    names = (
        [c for c in header if c not in (date_column, pm25_column)]
        if weather_columns is None
        else list(weather_columns)
    )
    for col in names:
        if col not in header:
            raise ValueError(f"{where}: no {col!r} column in the header {header}")
    if not rows:
        raise ValueError(f"{where} has a header but no data rows")
    dates, values = [], []
    for line, row in rows:
        dates.append(_parse_date(row[date_column] or "", line, where))
        cells = [_parse_number(row.get(c), line, c, where) for c in (pm25_column, *names)]
        if cells[0] < 0:
            raise ValueError(f"{where} line {line}: PM2.5 cannot be negative, got {cells[0]!r}")
        values.append(cells)
    d = np.array(dates, dtype="datetime64[D]")
    order = np.argsort(d, kind="stable")
    d, table = d[order], np.array(values, dtype=np.float64)[order]
    dup = np.flatnonzero(np.diff(d) == np.timedelta64(0, "D"))
    if len(dup):
        raise ValueError(f"{where}: the date {d[dup[0]]} appears more than once")
    full = np.arange(d[0], d[-1] + np.timedelta64(1, "D"))
    if len(full) != len(d):
        missing = np.setdiff1d(full, d)
        if gaps == "error":
            raise ValueError(
                f"{where}: {len(missing)} day(s) missing, the first {missing[0]};"
                " pass gaps='nan' or gaps='interpolate' to accept gaps"
            )
        filled = np.full((len(full), table.shape[1]), np.nan)
        filled[(d - d[0]).astype(np.int64)] = table
        table = filled
    if gaps == "interpolate":
        table = np.column_stack([_interpolate(col, max_gap) for col in table.T])
    weather = {name: table[:, i + 1] for i, name in enumerate(names)}
    return DailySeries(full, table[:, 0], weather, None)

"""The wavelet-transformed cats and dogs images (Brunton & Kutz, *Data-Driven Science and
Engineering*): 80 cats and 80 dogs, each image a column of 1024 wavelet coefficients."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

NPZ_NAME = "cats_dogs_wavelet.npz"
MAT_NAMES = {"cat_wave": "catData_w.mat", "dog_wave": "dogData_w.mat"}


class CatsDogs(NamedTuple):
    """``cats`` and ``dogs`` as float64 arrays of shape (1024, 80): one image per column."""

    cats: np.ndarray
    dogs: np.ndarray


def _check(name: str, arr: Any, source: str) -> np.ndarray:
    a = np.asarray(arr)
    if a.ndim != 2 or a.dtype.kind not in "biuf" or a.size == 0:
        raise ValueError(
            f"{source}: {name!r} must be a 2-D numeric array (coefficients × images),"
            f" got shape {a.shape} and dtype {a.dtype}"
        )
    return a.astype(np.float64)


def _from_npz(file: Path) -> CatsDogs:
    try:
        npz = np.load(file, allow_pickle=False)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ValueError(f"{file} is not a readable .npz file (corrupted?): {exc}") from None
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise ValueError(f"{file} is not a readable .npz file (it holds a single array)")
    with npz:
        missing = [k for k in MAT_NAMES if k not in npz.files]
        if missing:
            raise ValueError(
                f"{file}: missing array(s) {missing}; expected keys 'cat_wave' and 'dog_wave'"
            )
        try:
            arrays = {k: _check(k, npz[k], str(file)) for k in MAT_NAMES}
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ValueError(f"{file} is not a readable .npz file (corrupted?): {exc}") from None
    return CatsDogs(arrays["cat_wave"], arrays["dog_wave"])


def _from_mat(folder: Path) -> CatsDogs:
    try:
        from scipy.io import loadmat
    except ImportError:
        raise ImportError(
            "reading the .mat files needs scipy: pip install scipy,"
            f" or use the numpy-only {NPZ_NAME}"
        ) from None
    arrays = {}
    for key, name in MAT_NAMES.items():
        file = folder / name
        if not file.is_file():
            raise FileNotFoundError(
                f"{file} not found (need both {' and '.join(MAT_NAMES.values())})"
            )
        try:
            content = loadmat(file)
        except Exception as exc:  # scipy raises several types for a damaged file
            raise ValueError(f"{file} is not a readable MATLAB file: {exc}") from None
        if key not in content:
            raise ValueError(f"{file} holds no variable {key!r}")
        arrays[key] = _check(key, content[key], str(file))
    return CatsDogs(arrays["cat_wave"], arrays["dog_wave"])


def cats_dogs(path: str | os.PathLike[str]) -> CatsDogs:
    """Load the arrays from a directory, the ``.npz`` file, or either ``.mat`` file.

    A directory is searched for ``cats_dogs_wavelet.npz`` first, then for
    ``catData_w.mat`` and ``dogData_w.mat`` (read with ``scipy.io.loadmat``).
    Raises FileNotFoundError when nothing is there, ValueError for a malformed
    file, ImportError (saying what to install) when .mat files need scipy.
    """
    p = Path(path)
    if p.is_dir():
        if (p / NPZ_NAME).is_file():
            data = _from_npz(p / NPZ_NAME)
        elif any((p / name).is_file() for name in MAT_NAMES.values()):
            data = _from_mat(p)
        else:
            raise FileNotFoundError(
                f"no cats/dogs data in {p}: expected {NPZ_NAME} or"
                f" {' and '.join(MAT_NAMES.values())}"
            )
    elif p.is_file() and p.suffix == ".npz":
        data = _from_npz(p)
    elif p.is_file() and p.suffix == ".mat":
        data = _from_mat(p.parent)
    elif p.exists():
        raise ValueError(f"{p}: expected a directory, a .npz or a .mat file")
    else:
        raise FileNotFoundError(f"{p} does not exist")
    if data.cats.shape != data.dogs.shape:
        raise ValueError(
            f"cats {data.cats.shape} and dogs {data.dogs.shape} must have the same shape"
        )
    return data


def cats_dogs_split(
    data: CatsDogs, n_train: int = 40
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The seed's split (Kandolf, Figure 5): the first ``n_train`` dogs and cats train,
    the rest test.

    Returns ``((X_train, y_train), (X_test, y_test))`` with one image per row, the dogs
    first, labelled +1, then the cats, labelled -1 (the chapter's convention).
    """
    n = data.cats.shape[1]
    if not 0 < n_train < n:
        raise ValueError(f"n_train must be between 1 and {n - 1}, got {n_train!r}")

    def part(sl: slice) -> tuple[np.ndarray, np.ndarray]:
        X = np.vstack([data.dogs[:, sl].T, data.cats[:, sl].T])
        m = X.shape[0] // 2
        return X, np.r_[np.ones(m), -np.ones(m)]

    return part(slice(0, n_train)), part(slice(n_train, n))

"""Seeded data sets as numpy arrays: toy 2-D problems, cats/dogs, PM2.5 smoke seasons."""

from nn.data.cats_dogs import CatsDogs, cats_dogs, cats_dogs_split
from nn.data.pm25 import DailySeries, LagFeatures, lag_features, load_pm25_csv, smoke_pm25
from nn.data.split import standardize, train_val_split
from nn.data.toy import blobs, circles, moons, spirals, xor

__all__ = [
    "CatsDogs",
    "DailySeries",
    "LagFeatures",
    "blobs",
    "cats_dogs",
    "cats_dogs_split",
    "circles",
    "lag_features",
    "load_pm25_csv",
    "moons",
    "smoke_pm25",
    "spirals",
    "standardize",
    "train_val_split",
    "xor",
]

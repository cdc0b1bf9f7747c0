"""Loading the course's datasets, online or offline, with integrity checks.

California housing comes from scikit-learn's own
:func:`sklearn.datasets.fetch_california_housing` (a download, cached in the
scikit-learn data home, which honours ``SCIKIT_LEARN_DATA``).
:func:`load_california_housing` calls it with a bounded download and turns a
network failure or a damaged cache into a message that says what is missing,
where it was looked for and how to get it, and checks the arrays' SHA-256.

MNIST is loaded by :func:`load_mnist`, which returns the official MNIST *test*
split (10,000 images). It looks in the scikit-learn data home first::

    <data home>/mnist/t10k-images-idx3-ubyte.gz
    <data home>/mnist/t10k-labels-idx1-ubyte.gz

(the original IDX files of LeCun, Cortes and Burges), and only if they are
missing downloads ``mnist_784`` from OpenML, keeps rows 60000-69999 (OpenML
stores the 60,000 training images first, then the 10,000 test images) and
writes the IDX cache so the next call is offline. Either way the SHA-256 of
the decompressed files is checked, so a truncated download or an edited cache
fails loudly, naming the file, instead of silently giving other data.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np

__all__ = [
    "DatasetError",
    "DatasetUnavailableError",
    "CorruptDatasetError",
    "check_datasets",
    "load_california_housing",
    "load_mnist",
    "mnist_cache_paths",
    "read_idx",
    "write_idx",
]

#: SHA-256 of the *decompressed* official files (see the data README).
MNIST_SHA256 = {
    "images": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "labels": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MNIST_FILES = {
    "images": "t10k-images-idx3-ubyte.gz",
    "labels": "t10k-labels-idx1-ubyte.gz",
}
#: SHA-256 of California housing's ``data`` then ``target`` (float64, little-endian,
#: C order), as fetch_california_housing returns them.
CALIFORNIA_SHA256 = "f8ce03213e1c375e51c57d02cb41558c30b643325347f1cc0b26ce713ce3a0b7"
CALIFORNIA_FILE = "cal_housing_py3.pkz"
#: Rows of OpenML's ``mnist_784`` that make up the official test split.
OPENML_TEST_ROWS = slice(60_000, 70_000)
N_TEST, IMAGE_SHAPE = 10_000, (28, 28)

# IDX magic numbers: two zero bytes, the type code (0x08 = unsigned byte), the
# number of dimensions.
_IDX_MAGIC = {1: 0x00000801, 3: 0x00000803}


class DatasetError(RuntimeError):
    """Base class for every dataset problem raised by this module."""


class DatasetUnavailableError(DatasetError):
    """The data is not cached locally and could not be downloaded."""


class CorruptDatasetError(DatasetError):
    """A cached file exists but is truncated, malformed or has the wrong checksum."""


def mnist_cache_paths(data_home: str | os.PathLike | None = None) -> dict[str, Path]:
    """Where :func:`load_mnist` looks for (and writes) the IDX files.

    ``data_home`` defaults to scikit-learn's data home: the ``SCIKIT_LEARN_DATA``
    environment variable if set, else ``~/scikit_learn_data``.
    """
    from sklearn.datasets import get_data_home

    folder = Path(get_data_home(data_home)) / "mnist"
    return {kind: folder / name for kind, name in MNIST_FILES.items()}


# --------------------------------------------------------------------------- IDX
def read_idx(path: str | os.PathLike, *, expected_sha256: str | None = None) -> np.ndarray:
    """Read a gzip-compressed IDX file of unsigned bytes into a NumPy array.

    Raises :class:`CorruptDatasetError` (naming ``path``) if the file is not
    valid gzip, if its header is not an unsigned-byte IDX header, if it holds
    fewer or more bytes than the header announces, or if the SHA-256 of the
    decompressed bytes differs from ``expected_sha256``.
    """
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise CorruptDatasetError(
            f"{path} is not a readable gzip file ({exc}). Delete it and load again "
            "to download a fresh copy."
        ) from exc
    if len(raw) < 4:
        raise CorruptDatasetError(f"{path} is too short to be an IDX file ({len(raw)} bytes).")
    magic = struct.unpack(">I", raw[:4])[0]
    ndim = magic & 0xFF
    if magic != _IDX_MAGIC.get(ndim):
        raise CorruptDatasetError(f"{path} does not start with an unsigned-byte IDX header (magic {magic:#010x}).")
    header = 4 + 4 * ndim
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    if len(raw) != header + int(np.prod(shape)):
        raise CorruptDatasetError(
            f"{path} is truncated or padded: the header announces shape {shape} "
            f"({header + int(np.prod(shape))} bytes) but the file holds {len(raw)} bytes."
        )
    if expected_sha256 is not None:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != expected_sha256:
            raise CorruptDatasetError(
                f"{path} has SHA-256 {digest}, expected {expected_sha256}: the file is "
                "corrupted or is not the official MNIST test split. Delete it and load again."
            )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _idx_bytes(array: np.ndarray) -> bytes:
    array = np.ascontiguousarray(array, dtype=np.uint8)
    if array.ndim not in _IDX_MAGIC:
        raise ValueError(f"IDX arrays here have 1 or 3 dimensions, got shape {array.shape}.")
    header = struct.pack(f">I{array.ndim}I", _IDX_MAGIC[array.ndim], *array.shape)
    return header + array.tobytes()


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write ``array`` (uint8, 1-D or 3-D) as a gzip-compressed IDX file.

    The file is written to a temporary name and renamed, so an interrupted
    write never leaves a half-written cache behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(_idx_bytes(array))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------- download
def _fetch_openml_mnist(data_home: str | os.PathLike | None, timeout: float):
    """Download ``mnist_784`` from OpenML; return its (X, y) as NumPy arrays.

    A socket timeout bounds every network operation, so a network that drops
    packets fails in ``timeout`` seconds instead of hanging.
    """
    from sklearn.datasets import fetch_openml

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        return fetch_openml(
            "mnist_784", version=1, as_frame=False, parser="liac-arff",
            data_home=data_home, return_X_y=True, n_retries=1, delay=1.0,
        )
    finally:
        socket.setdefaulttimeout(previous)


def _download_test_split(data_home, paths: dict[str, Path], timeout: float) -> None:
    try:
        X_all, y_all = _fetch_openml_mnist(data_home, timeout)
    except (OSError, TimeoutError) as exc:  # URLError and socket errors are OSErrors
        raise DatasetUnavailableError(
            f"MNIST is not in {paths['images'].parent} (no {MNIST_FILES['images']}, "
            f"{MNIST_FILES['labels']}) and downloading it from OpenML failed ({exc!r}). "
            + _how_to_get(paths["images"].parent.parent)
        ) from exc
    X_all, y_all = np.asarray(X_all), np.asarray(y_all)
    if X_all.shape != (70_000, 784) or y_all.shape != (70_000,):
        raise CorruptDatasetError(
            f"OpenML's mnist_784 has unexpected shapes X {X_all.shape}, y {y_all.shape}; "
            "expected (70000, 784) and (70000,)."
        )
    images = X_all[OPENML_TEST_ROWS].astype(np.uint8).reshape(N_TEST, *IMAGE_SHAPE)
    labels = y_all[OPENML_TEST_ROWS].astype(np.uint8)
    # Verify before writing, so a bad download never becomes a cache.
    for kind, array in (("images", images), ("labels", labels)):
        digest = hashlib.sha256(_idx_bytes(array)).hexdigest()
        if digest != MNIST_SHA256[kind]:
            raise CorruptDatasetError(
                f"the {kind} downloaded from OpenML have SHA-256 {digest}, expected "
                f"{MNIST_SHA256[kind]}; nothing was written to {paths[kind]}."
            )
    write_idx(paths["images"], images)
    write_idx(paths["labels"], labels)


# ------------------------------------------------------------------------ public
def load_mnist(
    data_home: str | os.PathLike | None = None,
    *,
    download_if_missing: bool = True,
    timeout: float = 30.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Load the 10,000 images of the official MNIST test split.

    Parameters
    ----------
    data_home
        scikit-learn data home; ``None`` means ``SCIKIT_LEARN_DATA`` or
        ``~/scikit_learn_data``. The IDX files live in its ``mnist/`` folder.
    download_if_missing
        If the IDX files are missing, download ``mnist_784`` from OpenML and
        write them. If ``False``, raise :class:`DatasetUnavailableError` instead.
    timeout
        Seconds allowed for each network operation of the download.

    Returns
    -------
    X : ndarray of float64, shape (10000, 784)
        Pixel values 0..255, one flattened 28x28 image per row.
    y : ndarray of int64, shape (10000,)
        Digit labels 0..9.

    Raises
    ------
    DatasetUnavailableError
        Not cached, and the download is disabled or failed (e.g. offline).
    CorruptDatasetError
        A cached file (named in the message) is truncated, malformed or has
        the wrong checksum, or the download did not match the checksums.
    """
    paths = mnist_cache_paths(data_home)
    missing = [p for p in paths.values() if not p.exists()]
    if missing:
        if not download_if_missing:
            raise DatasetUnavailableError(
                f"MNIST is not cached (missing {', '.join(str(p) for p in missing)}) and "
                "download_if_missing=False."
            )
        _download_test_split(data_home, paths, timeout)
    images = read_idx(paths["images"], expected_sha256=MNIST_SHA256["images"])
    labels = read_idx(paths["labels"], expected_sha256=MNIST_SHA256["labels"])
    X = images.reshape(len(images), -1).astype(np.float64)
    y = labels.astype(np.int64)
    return X, y


def _how_to_get(home: Path) -> str:
    return (
        "To get them: connect to the internet and run again (they download once, about "
        "60 MB); or set SCIKIT_LEARN_DATA to a scikit-learn data home that holds them; "
        f"or copy {CALIFORNIA_FILE} into {home} and {MNIST_FILES['images']} and "
        f"{MNIST_FILES['labels']} into {home / 'mnist'} (the course repository's README, "
        "'The datasets, online or offline', says where they come from)."
    )


def load_california_housing(
    data_home: str | os.PathLike | None = None,
    *,
    download_if_missing: bool = True,
    timeout: float = 30.0,
    **kwargs,
):
    """scikit-learn's California housing, with a clear error when it cannot be had.

    Calls :func:`sklearn.datasets.fetch_california_housing` (same arguments and
    return value: a Bunch with ``data`` (20640, 8), ``target``, ``feature_names``,
    ``frame``...), with every network operation bounded by ``timeout`` seconds.

    Raises
    ------
    DatasetUnavailableError
        Not cached in the data home and the download is disabled or failed.
    CorruptDatasetError
        The cached ``cal_housing_py3.pkz`` cannot be read or holds other data.
    """
    from sklearn.datasets import fetch_california_housing, get_data_home

    home = Path(get_data_home(data_home))
    path = home / CALIFORNIA_FILE
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        bunch = fetch_california_housing(data_home=data_home, download_if_missing=download_if_missing, **kwargs)
    except OSError as exc:  # no file and no download (URLError, timeouts and sklearn's own OSError)
        if path.exists():
            raise CorruptDatasetError(f"{path} cannot be read ({exc!r}); delete it to download it again.") from exc
        reason = "downloading is disabled" if not download_if_missing else f"downloading it failed ({exc!r})"
        raise DatasetUnavailableError(
            f"California housing is not in {home} (no {CALIFORNIA_FILE}) and {reason}. " + _how_to_get(home)
        ) from exc
    except (EOFError, ValueError, KeyError, zlib.error, IndexError) as exc:  # a damaged joblib file
        raise CorruptDatasetError(f"{path} is damaged ({exc!r}); delete it to download it again.") from exc
    finally:
        socket.setdefaulttimeout(previous)
    data = bunch.frame.iloc[:, :8].to_numpy() if kwargs.get("as_frame") else bunch.data
    target = bunch.frame.iloc[:, 8].to_numpy() if kwargs.get("as_frame") else bunch.target
    if not kwargs.get("return_X_y"):
        digest = hashlib.sha256(
            np.ascontiguousarray(data, dtype="<f8").tobytes() + np.ascontiguousarray(target, dtype="<f8").tobytes()
        ).hexdigest()
        if digest != CALIFORNIA_SHA256:
            raise CorruptDatasetError(
                f"{path} holds other data than California housing (SHA-256 {digest}, expected "
                f"{CALIFORNIA_SHA256}); delete it to download it again."
            )
    return bunch


def check_datasets(data_home: str | os.PathLike | None = None, *, timeout: float = 30.0) -> None:
    """Make sure both datasets are available (downloading them if needed), or raise one
    :class:`DatasetError` that names every missing or damaged file and says how to fix it.

    The test suite calls it once before executing any notebook.
    """
    from sklearn.datasets import get_data_home

    home = Path(get_data_home(data_home))
    problems = []
    for name, load in (("MNIST", load_mnist), ("California housing", load_california_housing)):
        try:
            load(data_home, timeout=timeout)
        except DatasetError as exc:
            problems.append((name, exc))
    if problems:
        where = "SCIKIT_LEARN_DATA" if os.environ.get("SCIKIT_LEARN_DATA") else "scikit-learn's default data home"
        lines = [f"The course's datasets are not available in {home} ({where}), so the notebooks cannot run:"]
        lines += [f"  - {name}: {str(exc).split(' To get them:')[0]}" for name, exc in problems]
        kind = CorruptDatasetError if all(isinstance(e, CorruptDatasetError) for _, e in problems) else DatasetUnavailableError
        raise kind("\n".join(lines + [_how_to_get(home)]))

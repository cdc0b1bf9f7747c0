"""Unit tests of nncourse.data: every path load_mnist can take.

The download path runs with the network call replaced by a fake (or pointed at
a silent server on 127.0.0.1), so these tests need no internet.
"""

import gzip
import hashlib
import socket
import threading
import time
from urllib.error import URLError

import numpy as np
import pytest

from nncourse import data
from nncourse.data import (
    CorruptDatasetError,
    DatasetUnavailableError,
    check_datasets,
    load_california_housing,
    load_mnist,
    mnist_cache_paths,
    read_idx,
    write_idx,
)


def fake_mnist(seed=0, n=10_000):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    return images, labels


def idx_sha(array):
    return hashlib.sha256(data._idx_bytes(array)).hexdigest()


@pytest.fixture
def fake_split(monkeypatch):
    """A synthetic 'test split' whose checksums load_mnist is told to expect."""
    images, labels = fake_mnist()
    monkeypatch.setitem(data.MNIST_SHA256, "images", idx_sha(images))
    monkeypatch.setitem(data.MNIST_SHA256, "labels", idx_sha(labels))
    return images, labels


def fake_openml(images, labels, calls=None):
    """Stand-in for fetch_openml('mnist_784'): 60,000 training rows, then the test split."""
    train_X, train_y = fake_mnist(seed=1, n=60_000)

    def fetch(data_home, timeout):
        if calls is not None:
            calls.append({"data_home": data_home, "timeout": timeout})
        X = np.concatenate([train_X.reshape(-1, 784), images.reshape(-1, 784)]).astype(np.float64)
        y = np.concatenate([train_y, labels]).astype(str)  # OpenML labels are strings
        return X, y

    return fetch


def fail_if_called(*args, **kwargs):
    raise AssertionError("load_mnist must not download when the cache is present")


# ----------------------------------------------------------------------- IDX files
@pytest.mark.parametrize("shape", [(5,), (3, 28, 28)])
def test_idx_round_trip(tmp_path, shape):
    array = np.arange(np.prod(shape), dtype=np.uint8).reshape(shape)
    path = tmp_path / "a.gz"
    write_idx(path, array)
    np.testing.assert_array_equal(read_idx(path), array)
    assert read_idx(path, expected_sha256=idx_sha(array)).shape == shape
    assert not list(tmp_path.glob("*.part")), "the temporary file must be renamed away"


def test_write_idx_rejects_2d_arrays(tmp_path):
    with pytest.raises(ValueError, match="1 or 3 dimensions"):
        write_idx(tmp_path / "x.gz", np.zeros((2, 2), dtype=np.uint8))


def test_truncated_gzip_names_the_file(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    write_idx(path, np.zeros((10, 28, 28), dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(CorruptDatasetError, match="t10k-images-idx3-ubyte.gz"):
        read_idx(path)


def test_not_gzip_at_all(tmp_path):
    path = tmp_path / "labels.gz"
    path.write_bytes(b"<html>captive portal</html>")
    with pytest.raises(CorruptDatasetError, match="not a readable gzip file"):
        read_idx(path)


def test_header_announcing_more_bytes_than_present(tmp_path):
    path = tmp_path / "short.gz"
    raw = data._idx_bytes(np.zeros((10, 28, 28), dtype=np.uint8))
    path.write_bytes(gzip.compress(raw[:-100]))
    with pytest.raises(CorruptDatasetError, match="truncated or padded"):
        read_idx(path)


def test_wrong_magic(tmp_path):
    path = tmp_path / "float.gz"
    path.write_bytes(gzip.compress(b"\x00\x00\x0d\x01" + b"\x00\x00\x00\x01" + b"\x00" * 4))
    with pytest.raises(CorruptDatasetError, match="unsigned-byte IDX header"):
        read_idx(path)


def test_checksum_mismatch_names_the_file(tmp_path):
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    write_idx(path, np.arange(10, dtype=np.uint8))
    with pytest.raises(CorruptDatasetError, match=r"t10k-labels-idx1-ubyte\.gz has SHA-256"):
        read_idx(path, expected_sha256="0" * 64)


# ------------------------------------------------------------------- load_mnist
def test_cache_paths_honour_scikit_learn_data(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path))
    paths = mnist_cache_paths()
    assert paths["images"] == tmp_path / "mnist" / "t10k-images-idx3-ubyte.gz"
    assert paths["labels"] == tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz"


def test_download_writes_the_cache_then_loads_offline(tmp_path, monkeypatch, fake_split):
    images, labels = fake_split
    calls = []
    monkeypatch.setattr(data, "_fetch_openml_mnist", fake_openml(images, labels, calls))
    X, y = load_mnist(tmp_path, timeout=7)
    assert calls == [{"data_home": tmp_path, "timeout": 7}]
    assert X.shape == (10_000, 784) and X.dtype == np.float64
    assert y.shape == (10_000,) and y.dtype == np.int64
    np.testing.assert_array_equal(X, images.reshape(-1, 784))  # rows 60000..69999
    np.testing.assert_array_equal(y, labels)

    monkeypatch.setattr(data, "_fetch_openml_mnist", fail_if_called)
    X2, y2 = load_mnist(tmp_path)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)


def test_download_with_wrong_checksum_writes_nothing(tmp_path, monkeypatch):
    images, labels = fake_mnist()  # checksums NOT patched: they differ from MNIST's
    monkeypatch.setattr(data, "_fetch_openml_mnist", fake_openml(images, labels))
    with pytest.raises(CorruptDatasetError, match="downloaded from OpenML"):
        load_mnist(tmp_path)
    assert not any((tmp_path / "mnist").glob("*")), "a bad download must not become a cache"


def test_download_with_wrong_shape(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_fetch_openml_mnist", lambda *a: (np.zeros((100, 784)), np.zeros(100)))
    with pytest.raises(CorruptDatasetError, match=r"unexpected shapes X \(100, 784\)"):
        load_mnist(tmp_path)


def test_offline_without_cache_says_how_to_get_the_data(tmp_path, monkeypatch):
    def offline(data_home, timeout):
        raise URLError(socket.gaierror(-3, "Temporary failure in name resolution"))

    monkeypatch.setattr(data, "_fetch_openml_mnist", offline)
    with pytest.raises(DatasetUnavailableError) as err:
        load_mnist(tmp_path)
    message = str(err.value)
    assert str(tmp_path / "mnist") in message
    assert "t10k-images-idx3-ubyte.gz" in message and "SCIKIT_LEARN_DATA" in message


def test_no_download_when_disabled(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_fetch_openml_mnist", fail_if_called)
    with pytest.raises(DatasetUnavailableError, match="download_if_missing=False"):
        load_mnist(tmp_path, download_if_missing=False)


def test_corrupted_cache_fails_and_does_not_download(tmp_path, monkeypatch, fake_split):
    images, labels = fake_split
    paths = mnist_cache_paths(tmp_path)
    write_idx(paths["images"], images)
    write_idx(paths["labels"], labels)
    paths["images"].write_bytes(paths["images"].read_bytes()[:1000])
    monkeypatch.setattr(data, "_fetch_openml_mnist", fail_if_called)
    with pytest.raises(CorruptDatasetError, match="t10k-images-idx3-ubyte.gz"):
        load_mnist(tmp_path)


def test_edited_cache_fails_on_checksum(tmp_path, monkeypatch, fake_split):
    images, labels = fake_split
    paths = mnist_cache_paths(tmp_path)
    write_idx(paths["images"], images)
    edited = labels.copy()
    edited[0] = (edited[0] + 1) % 10
    write_idx(paths["labels"], edited)
    monkeypatch.setattr(data, "_fetch_openml_mnist", fail_if_called)
    with pytest.raises(CorruptDatasetError, match="t10k-labels-idx1-ubyte.gz has SHA-256"):
        load_mnist(tmp_path)


@pytest.fixture
def silent_server():
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    held, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.filterwarnings("ignore:Invalid cache:RuntimeWarning")
def test_unresponsive_network_times_out_instead_of_hanging(tmp_path, monkeypatch, silent_server):
    import sklearn.datasets._openml as openml

    url = f"http://127.0.0.1:{silent_server}/" + "{}"
    monkeypatch.setattr(openml, "_SEARCH_NAME", url)
    monkeypatch.setattr(openml, "_DATA_INFO", url)
    start = time.perf_counter()
    with pytest.warns(UserWarning, match="Retrying"), pytest.raises(DatasetUnavailableError):
        load_mnist(tmp_path, timeout=1.0)
    assert time.perf_counter() - start < 10
    assert socket.getdefaulttimeout() is None, "the global socket timeout must be restored"


# ------------------------------------------------------------------ the real data
def test_real_mnist_test_split():
    """The real files (offline copy in CI, downloaded elsewhere) are the official test split."""
    X, y = load_mnist()
    assert X.shape == (10_000, 784) and X.dtype == np.float64
    assert y.shape == (10_000,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 255
    assert np.bincount(y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


# ------------------------------------------------------------- California housing
def test_real_california_housing():
    """The real data (offline copy in CI, downloaded elsewhere), checksummed."""
    housing = load_california_housing()
    assert housing.data.shape == (20_640, 8) and housing.target.shape == (20_640,)


def test_california_housing_offline_says_how_to_get_it(tmp_path, monkeypatch):
    import sklearn.datasets._california_housing as cal

    def offline(*args, **kwargs):
        raise URLError(socket.gaierror(-3, "Temporary failure in name resolution"))

    monkeypatch.setattr(cal, "_fetch_remote", offline)
    with pytest.raises(DatasetUnavailableError) as err:
        load_california_housing(tmp_path)
    message = str(err.value)
    assert f"California housing is not in {tmp_path} (no cal_housing_py3.pkz)" in message
    assert "Temporary failure in name resolution" in message
    assert "SCIKIT_LEARN_DATA" in message and "connect to the internet" in message


def test_california_housing_without_download(tmp_path):
    with pytest.raises(DatasetUnavailableError, match="downloading is disabled"):
        load_california_housing(tmp_path, download_if_missing=False)


def test_damaged_california_cache_is_named(tmp_path):
    (tmp_path / "cal_housing_py3.pkz").write_bytes(b"not a joblib file at all")
    with pytest.raises(CorruptDatasetError, match="cal_housing_py3.pkz"):
        load_california_housing(tmp_path, download_if_missing=False)


def test_california_cache_with_other_data_fails_its_checksum(tmp_path):
    import joblib

    joblib.dump(np.ones((20_640, 9)), tmp_path / "cal_housing_py3.pkz", compress=6)
    with pytest.raises(CorruptDatasetError, match="holds other data than California housing"):
        load_california_housing(tmp_path, download_if_missing=False)


def test_check_datasets_names_every_missing_dataset_once(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_fetch_openml_mnist", lambda *a: (_ for _ in ()).throw(URLError("offline")))
    import sklearn.datasets._california_housing as cal

    monkeypatch.setattr(cal, "_fetch_remote", lambda *a, **k: (_ for _ in ()).throw(URLError("offline")))
    with pytest.raises(DatasetUnavailableError) as err:
        check_datasets(tmp_path)
    message = str(err.value)
    assert message.startswith(f"The course's datasets are not available in {tmp_path}")
    assert "  - MNIST: MNIST is not in" in message and "  - California housing: California housing is not" in message
    assert message.count("To get them:") == 1
    assert f"copy cal_housing_py3.pkz into {tmp_path}" in message


def test_check_datasets_passes_with_the_real_data():
    check_datasets()

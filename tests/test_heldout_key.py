"""Held-out sets are drawn with a key only the grader can read: knowing the kit's generators is not enough.

(That student code inside the sandbox can read neither the key nor the draw is tested end to end, at
strict and reduced, in test_training_hostile.py.)
"""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from autograder import heldout
from autograder.data import DataStore
from autograder.errors import KitError


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.delenv(heldout.KEY_ENV, raising=False)
    return tmp_path / "cache"


def test_the_key_is_made_once_readable_by_the_grader_alone(cache):
    key = heldout.load_key(cache)
    path = cache / heldout.KEY_FILE
    assert len(key) == heldout.KEY_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert heldout.load_key(cache) == key
    assert not [p for p in cache.iterdir() if p.name != heldout.KEY_FILE], "no partial file is left behind"


def test_a_key_given_in_the_environment_wins(cache, monkeypatch):
    monkeypatch.setenv(heldout.KEY_ENV, "ab" * 16)
    assert heldout.load_key(cache) == bytes.fromhex("ab" * 16)
    assert not (cache / heldout.KEY_FILE).exists()


@pytest.mark.parametrize("text", ["not hex", "abcd"])
def test_a_malformed_key_is_refused_with_its_source_named(cache, monkeypatch, text):
    monkeypatch.setenv(heldout.KEY_ENV, text)
    with pytest.raises(KitError, match=heldout.KEY_ENV):
        heldout.load_key(cache)


def test_the_held_out_draw_depends_on_the_key_and_on_nothing_the_kit_publishes(cache):
    first = DataStore(cache=cache, heldout_key=b"1" * 32).heldout_cifar(200)
    again = DataStore(cache=cache, heldout_key=b"1" * 32).heldout_cifar(200)
    other = DataStore(cache=cache, heldout_key=b"2" * 32).heldout_cifar(200)
    public = DataStore(cache=cache, heldout_key=b"1" * 32).cifar("test")
    assert np.array_equal(first.images, again.images) and np.array_equal(first.labels, again.labels)
    assert not np.array_equal(first.images, other.images)
    assert not any(np.array_equal(image, public.images[0]) for image in first.images)
    digits = DataStore(cache=cache, heldout_key=b"1" * 32)
    assert digits.heldout_mnist(50).images.shape == (50, 28, 28)


def test_neither_the_seed_nor_the_key_is_written_into_the_description(cache):
    store = DataStore(cache=cache, heldout_key=b"3" * 32)
    source = store.heldout_cifar(20).source
    seed = heldout.derived_seed(b"3" * 32, "cifar-heldout")
    assert str(seed) not in source and "33333333" not in source
    assert source == "synthetic cifar, held out"


def test_real_held_out_images_are_a_secret_choice_from_the_test_split(real_data_root, tmp_path):
    first = DataStore(real_data_root, cache=tmp_path, heldout_key=b"4" * 32).heldout_cifar(100)
    other = DataStore(real_data_root, cache=tmp_path, heldout_key=b"5" * 32).heldout_cifar(100)
    assert first.images.shape == (100, 32, 32, 3)
    assert not np.array_equal(first.labels, other.labels) or not np.array_equal(first.images, other.images)
    assert "held-out key" in first.source and str(os.getpid()) not in first.source

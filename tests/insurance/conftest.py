"""Fixtures of the insurance tests: the example policy, and the real CMA archive parsed
once per session (76 files, about a second)."""

from pathlib import Path

import pytest

from yingji.insurance.policy_yaml import load_policy_file

from ..conftest import require, shared_path

DATA = Path(__file__).parent / "data"
POLICY_FILE = DATA / "taizhou.yaml"
CMA_DIR = shared_path("data", "typhoon", "cma-besttrack")


@pytest.fixture(scope="session")
def policy_spec():
    return load_policy_file(POLICY_FILE)


@pytest.fixture(scope="session")
def cma_archive():
    from yingji.kernels.besttrack import parse_paths

    return parse_paths([require(CMA_DIR)])

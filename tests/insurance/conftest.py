"""Fixtures of the insurance tests: the example policy, and the real CMA archive parsed
once per session (76 files, about a second)."""

from pathlib import Path

import pytest

from yingji.insurance.policy_yaml import load_policy_file

DATA = Path(__file__).parent / "data"
POLICY_FILE = DATA / "taizhou.yaml"
CMA_DIR = Path("/work/shared/data/typhoon/cma-besttrack")


@pytest.fixture(scope="session")
def policy_spec():
    return load_policy_file(POLICY_FILE)


@pytest.fixture(scope="session")
def cma_archive():
    from yingji.kernels.besttrack import parse_paths

    if not CMA_DIR.is_dir():
        pytest.skip("the CMA best-track archive is not on this machine")
    return parse_paths([CMA_DIR])

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_map_grids():
    """The map's zoomed-out cluster grids are cached per process: each test starts without."""
    cache.clear()
    yield
    cache.clear()

import pytest

from .factories import Data


@pytest.fixture
def data(tree):
    return Data(tree)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Issued reports' files go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"

import pytest
from hypothesis import settings

# No per-example deadline: tests check results, not speed (speed is make bench's job), and on
# a shared 2-core machine one example can take longer than hypothesis's default 200 ms.
settings.register_profile("kinetic-chain", deadline=None)
settings.load_profile("kinetic-chain")

from book import HTML, OUTPUT_ARGS, STRICT_BUILD, jupyter_book


@pytest.fixture(scope="session")
def built_book():
    """Build the book once per test session with warnings as errors; return _build/html."""
    result = jupyter_book(*STRICT_BUILD, *OUTPUT_ARGS, ".")
    assert result.returncode == 0, (
        "the book build failed or warned:\n" + result.stdout[-4000:] + result.stderr[-4000:])
    return HTML

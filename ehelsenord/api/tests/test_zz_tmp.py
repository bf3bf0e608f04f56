import cProfile, pstats
import pytest
from ehelsenord.api.tests.conftest import get
pytestmark = pytest.mark.django_db

def test_time(reader, token_for):
    t = token_for(reader)
    get("/api/v1/records?area=norge", t)
    pr = cProfile.Profile(); pr.enable()
    get("/api/v1/records?area=norge", t)
    pr.disable()
    pstats.Stats(pr).sort_stats("tottime").print_stats(15)

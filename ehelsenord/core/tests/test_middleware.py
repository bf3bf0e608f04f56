import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_anonymous_page_request_is_redirected_to_login() -> None:
    response = Client().get("/status/")
    assert (response.status_code, response["Location"]) == (302, "/konto/logg-inn/?next=/status/")


def test_anonymous_htmx_request_gets_a_full_page_redirect_to_login() -> None:
    # A session that ended while a dialog was open: the whole page goes to the login form.
    response = Client().post("/status/1804/e-resept/", headers={"HX-Request": "true"})
    assert (response.status_code, response["HX-Redirect"]) == (
        200,
        "/konto/logg-inn/?next=/status/1804/e-resept/",
    )

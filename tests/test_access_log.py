"""The access log is written by the app, one JSON object per request, whatever the path holds."""

import json
import logging

import pytest
from django.test import Client

from kvaguide.logs import JsonFormatter
from kvaguide.serve import command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/kod/AU118/", '/kod/"}{\\x/', "/lista/a%0Ab%22c/", "/s%C3%B6k\u00e5/"])
def test_every_request_gives_one_json_access_line_even_for_hostile_paths(settings, caplog, path):
    settings.ACCESS_LOG = True
    with caplog.at_level(logging.INFO, logger="kvaguide.access"):
        response = Client().get(path)
    records = [r for r in caplog.records if r.name == "kvaguide.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["status"] == response.status_code
    assert line["method"] == "GET"
    assert line["path"] == response.wsgi_request.path


def test_the_access_log_can_be_turned_off(settings, caplog):
    settings.ACCESS_LOG = False
    with caplog.at_level(logging.INFO, logger="kvaguide.access"):
        Client().get("/kod/AU118/")
    assert not [r for r in caplog.records if r.name == "kvaguide.access"]


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_neither_server_writes_its_own_non_json_access_log(server):
    argv = command(server, 8000, 2)
    assert not any(arg.startswith("--access-logfile") or arg == "--access-log" for arg in argv)
    if server == "granian":
        assert "--no-access-log" in argv

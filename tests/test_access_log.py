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


def test_buffered_lines_are_written_in_whole_lines_of_at_most_one_atomic_pipe_write(monkeypatch):
    from kvaguide import accesslog

    writes = []
    monkeypatch.setattr(accesslog.os, "write", lambda fd, data: writes.append(bytes(data)) or len(data))
    handler = accesslog.BufferedStreamHandler(fd=99, interval=60)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.buffered")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        for n in range(200):
            logger.info("GET /kod/%s/ 200", "å" * (n % 50))
        assert writes == []  # nothing written per line
        handler.flush()
    finally:
        logger.removeHandler(handler)
    assert all(len(chunk) <= handler.CHUNK and chunk.endswith(b"\n") for chunk in writes)
    lines = b"".join(writes).decode().splitlines()
    assert len(lines) == 200
    assert len(writes) < 20
    assert [json.loads(line)["message"] for line in lines][7] == "GET /kod/ååååååå/ 200"

"""How make serve serves: the server it runs, and the access log the app writes (one JSON object per request)."""

import json

import pytest
from django.test import Client

from kvaguide import accesslog
from kvaguide.serve import command

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(monkeypatch):
    """Every chunk the access log writes, instead of writing it to stderr."""
    chunks = []
    monkeypatch.setattr(accesslog.os, "write", lambda fd, data: chunks.append(bytes(data)) or len(data))
    monkeypatch.setattr(accesslog.AccessLogMiddleware, "output", accesslog.BufferedLines(fd=99, interval=600))
    return chunks


def _lines(chunks):
    accesslog.AccessLogMiddleware.output.flush()
    return [json.loads(line) for line in b"".join(chunks).decode("ascii").splitlines()]


@pytest.mark.parametrize(
    "path", ["/kod/AU118/", '/kod/"}{\\x/', "/lista/a%0Ab%22c/", "/s%C3%B6k\u00e5/", "/%ED%A0%80/"]
)
def test_every_request_gives_one_json_access_line_even_for_hostile_paths(settings, written, path):
    settings.ACCESS_LOG = True
    response = Client().get(path)
    [line] = _lines(written)
    assert line["status"] == response.status_code
    assert line["method"] == "GET"
    assert line["path"] == response.wsgi_request.path
    assert line["logger"] == "kvaguide.access"
    assert line["bytes"] == len(response.content)


def test_the_access_log_can_be_turned_off(settings, written):
    settings.ACCESS_LOG = False
    Client().get("/kod/AU118/")
    assert _lines(written) == []


def test_lines_are_written_in_batches_of_whole_lines_of_at_most_one_atomic_pipe_write(settings, written):
    settings.ACCESS_LOG = True
    client = Client()
    for n in range(60):
        client.get(f"/kod/AU{n:03d}/?q={'å' * n}")
    assert written == []  # nothing written per request
    lines = _lines(written)
    assert len(lines) == 60
    assert len(written) < 60
    assert all(len(chunk) <= accesslog.BufferedLines.CHUNK and chunk.endswith(b"\n") for chunk in written)


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_neither_server_writes_its_own_non_json_access_log(server):
    argv = command(server, 8000, 2)
    assert not any(arg.startswith("--access-logfile") or arg == "--access-log" for arg in argv)
    if server == "granian":
        assert "--no-access-log" in argv


def test_make_serve_runs_granian_unless_told_otherwise(monkeypatch):
    from kvaguide import serve

    assert serve.DEFAULT_SERVER == "granian"
    assert command("granian", 8000, 2)[0].endswith("granian")
    assert command("gunicorn", 8000, 2)[0].endswith("gunicorn")
    with pytest.raises(SystemExit):
        command("uwsgi", 8000, 2)

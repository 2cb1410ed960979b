"""A local S3 server for the object-storage tests: moto in server mode on 127.0.0.1.

``s3_server`` (session) starts it and points the AWS environment at it (``AWS_ENDPOINT_URL``,
test credentials whose secret is :data:`SECRET`); ``s3_bucket`` makes a fresh bucket per test.
Import the fixtures into a test module with ``from tests._s3 import s3_bucket, s3_server``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

#: The secret key of the test credentials: it must never appear in a log, manifest or card.
SECRET = "zhnews-test-secret-" + uuid.uuid4().hex


@pytest.fixture(scope="session")
def s3_server() -> Iterator[dict[str, str]]:
    """The server's environment (endpoint and credentials), also set in this process."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "zhnews-test-key",
           "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_DEFAULT_REGION": "us-east-1"}
    saved = {name: os.environ.get(name) for name in [*env, "AWS_PROFILE", "AWS_SESSION_TOKEN"]}
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.update(env)
    try:
        yield env
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def s3_bucket(s3_server: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``s3://<fresh bucket>``; remote run folders are mirrored under the test's own cache."""
    import boto3

    name = f"zhnews-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_server["AWS_ENDPOINT_URL"]).create_bucket(Bucket=name)
    monkeypatch.delenv("ZHNEWS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return f"s3://{name}"


def upload_folder(folder: Path, url: str) -> None:
    """Every file under ``folder`` as objects under ``url``."""
    from pipeline.io import storage

    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        storage.upload_file(path, storage.join(url, path.relative_to(folder).as_posix()))

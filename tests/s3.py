"""A local S3-compatible server for the tests of the S3 storage path: moto's standalone server
(`python -m moto.server`), a separate process on a free port, like a real object store.

Why moto: it comes from PyPI, so the dev lock pins it with hashes and `make install-dev`
installs it like any other test tool (MinIO, the usual alternative, is a Go binary with no
Debian package, downloaded and run outside the lock); it starts in about a second; and it
speaks enough of S3 for what Peerpath uses: objects, object ACLs (an anonymous GET of a
private object is refused with 403, a public-read one is served), and presigned URLs, signed
like AWS's (SigV4). Its buckets live in memory, so every run starts empty."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

# Any credentials do for moto; boto3 insists on having some.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "peerpath-test",
    "AWS_SECRET_ACCESS_KEY": "peerpath-test-secret",
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, process: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"{process.args[:3]} did not listen on {port}; see {log}")
        time.sleep(0.1)


def moto_available() -> bool:
    try:
        import moto.server  # noqa: F401
    except ImportError:
        return False
    return True


class MotoServer:
    """`python -m moto.server` on a free port of 127.0.0.1 until stop()."""

    def __init__(self, log_path: Path):
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 - open for the server's whole life
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(self.port, process=self.process, seconds=60, log=log_path)
        except BaseException:
            self.stop()
            raise

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=CREDENTIALS["AWS_S3_REGION_NAME"],
        )

    def new_bucket(self) -> str:
        name = f"peerpath-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()


def png_bytes(colour=(31, 78, 95)) -> bytes:
    """A small real PNG (a logo, a banner) to store."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 40), colour).save(out, "PNG")
    return out.getvalue()

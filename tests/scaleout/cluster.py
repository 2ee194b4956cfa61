"""A Peerpath site of two web nodes for the scale-out test, started with the files in deploy/:
nginx (Debian's, a non-daemon subprocess with its own configuration in a temporary folder)
serving the site rendered by deploy/render-nginx-site over TLS, round-robin to two gunicorn
nodes (deploy/gunicorn.sh), a Celery worker (deploy/worker.sh) and celery beat
(deploy/beat.sh); all on the production settings, one PostgreSQL database, one Redis
database and one bucket of the local S3 server."""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import requests

from tests.s3 import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
STATIC_ROOT = ROOT / "var" / "scaleout" / "static"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NODE_HEADER = "X-Peerpath-Node"
# Variables of the test's own environment a node never inherits (the test settings' choices).
TEST_ONLY = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "PEERPATH_TEST_EAGER",
    "PEERPATH_TEST_QUEUE",
    "PEERPATH_TEST_KEEP_DB",
    "PEERPATH_TEST_S3_BUCKET",
    "DEBUG",
}


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (its own CA: the test trusts exactly this file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "tls.crt", folder / "tls.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def nginx_main_config(folder: Path, site: Path) -> Path:
    """The test's own nginx.conf: everything under `folder`, in the foreground, one worker
    process (so round-robin is one sequence), the deploy site included as it is."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the temp folders
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = folder / "nginx.conf"
    config.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log {folder / "access.log"};
{temp}
    include {site};
}}
"""
    )
    return config


@dataclass
class Site:
    url: str  # https://127.0.0.1:<port>, through nginx
    ca: Path
    nodes: dict[str, int]  # node name: its own port (plain HTTP, behind nginx)
    folder: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: list = field(default_factory=list)

    def browser(self) -> Browser:
        return Browser(self.url, self.ca)

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.folder / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 - open while it runs
        self.logs.append(log)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its children
        )
        self.processes[name] = process
        return process

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for log in self.logs:
            log.close()


class Browser:
    """One person's browser: a cookie jar (the cookies are Secure: https only), the CSRF token
    of the last form seen, the Referer a browser sends; redirects are not followed."""

    def __init__(self, url: str, ca: Path):
        self.url = url
        self.session = requests.Session()
        self.ca = str(ca)  # per request: REQUESTS_CA_BUNDLE would override the session's
        self.nodes: list[str] = []

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Referer": self.url + path, **kwargs.pop("headers", {})}
        response = self.session.request(
            method,
            self.url + path,
            headers=headers,
            allow_redirects=False,
            timeout=60,
            verify=self.ca,
            **kwargs,
        )
        self.nodes.append(response.headers.get(NODE_HEADER, ""))
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict, *, page: str | None = None) -> requests.Response:
        """Open the form's page (for its CSRF token), then send the form."""
        form = self.get(page or path)
        token = CSRF.search(form.text)
        assert token, f"no form on {page or path} ({form.status_code})"
        return self.request(
            "POST", path, data={"csrfmiddlewaretoken": unescape(token.group(1)), **data}
        )


def node_environment(base: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    env.update(base)
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        PEERPATH_PYTHON=sys.executable,
        PYTHONUNBUFFERED="1",
        STATIC_ROOT=str(STATIC_ROOT),
    )
    return env


def collect_static(env: dict[str, str]) -> None:
    """Static files for the production storage (hashed names and their manifest), skipped
    when the files collected last time are still current (bench.learning_setup)."""
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from bench.learning_setup import collect_static; collect_static()",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )


def wait_until_healthy(site: Site, name: str, port: int, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    process = site.processes[name]
    while True:
        try:
            answer = requests.get(
                f"http://127.0.0.1:{port}/healthz/",
                headers={"X-Forwarded-Proto": "https"},
                timeout=5,
            )
            if answer.status_code == 200:
                return
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"node {name} did not start:\n{site.log_tail(name)}")
        time.sleep(0.5)


def wait_for_log(site: Site, name: str, text: str, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    path = site.folder / f"{name}.log"
    while text not in path.read_text(errors="replace"):
        if site.processes[name].poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{name} did not start:\n{site.log_tail(name)}")
        time.sleep(0.5)


def start_site(folder: Path, base_env: dict[str, str], *, nodes: int = 2) -> Site:
    """nginx, `nodes` gunicorn nodes, a worker and beat, each started from deploy/."""
    https_port = free_port()
    url = f"https://127.0.0.1:{https_port}"
    cert, key = self_signed_certificate(folder)
    ports = {f"node-{n + 1}": free_port() for n in range(nodes)}
    site = Site(url=url, ca=cert, nodes=ports, folder=folder)
    env = node_environment(
        {
            **base_env,
            "SITE_URL": url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": url,
            "TRUSTED_PROXY_COUNT": "1",
        }
    )
    collect_static(env)
    try:
        for name, port in ports.items():
            site.start(
                name,
                [str(DEPLOY / "gunicorn.sh")],
                {**env, "PEERPATH_NODE_NAME": name, "PEERPATH_BIND": f"127.0.0.1:{port}"},
            )
        site.start("worker", [str(DEPLOY / "worker.sh")], env)
        site.start(
            "beat",
            [str(DEPLOY / "beat.sh")],
            {**env, "CELERY_BEAT_SCHEDULE_FILE": str(folder / "celerybeat-schedule")},
        )
        rendered = subprocess.run(
            [sys.executable, str(DEPLOY / "render-nginx-site")],
            env={
                **os.environ,
                "PEERPATH_NODES": ",".join(f"127.0.0.1:{port}" for port in ports.values()),
                "PEERPATH_SERVER_NAME": "127.0.0.1",
                "PEERPATH_TLS_CERT": str(cert),
                "PEERPATH_TLS_KEY": str(key),
                "PEERPATH_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
                "PEERPATH_HTTP_LISTEN": f"127.0.0.1:{free_port()}",
            },
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (folder / "peerpath-site.conf").write_text(rendered)
        config = nginx_main_config(folder, folder / "peerpath-site.conf")
        nginx = nginx_binary()
        command = [nginx, "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")]
        subprocess.run([*command, "-t"], check=True, capture_output=True)
        site.start("nginx", command, os.environ.copy())
        wait_for_port(
            https_port, process=site.processes["nginx"], seconds=30, log=folder / "error.log"
        )
        for name, port in ports.items():
            wait_until_healthy(site, name, port)
        wait_for_log(site, "worker", " ready.")
    except BaseException:
        site.stop()
        raise
    return site


class _FormReader(HTMLParser):
    """The values a browser would send for the first form whose action contains `action`."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.done = False
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and not self.done and self.action in a.get("action", ""):
            self.inside = True
        if not self.inside or "name" not in a and tag not in ("option",):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""
        elif tag == "select":
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
                self.values.setdefault(self._select, self._first_option)
            if "selected" in a:
                self.values[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_values(html: str, *, action_contains: str) -> dict[str, str]:
    reader = _FormReader(action_contains)
    reader.feed(html)
    assert reader.done, f"no form with an action containing {action_contains!r}"
    return reader.values

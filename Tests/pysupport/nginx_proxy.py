"""nginx (Debian's package) in front of Parley instances, run by the test in the foreground and
unprivileged where it can be, with everything it writes inside one directory.

The configuration is the repository's own deploy/nginx.conf, changed only where a test must: the
upstream's instance lines (one per given port, with the parameters of the file's first line),
the ports it listens on (loopback ports instead of 80 and 443), the TLS certificate (a
self-signed one made here) and the access log's path. Each change must find what it replaces,
so a reworded file fails here rather than being tested half changed. A small main configuration
around it holds what nginx's own /etc/nginx/nginx.conf would: one worker (so round-robin is
predictable), the pid file, the error log and the temporary paths."""
import atexit
import grp
import os
import pathlib
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time

from parley_server import ROOT, free_port

DEPLOYED_CONFIG = ROOT / "deploy" / "nginx.conf"
_running = set()


@atexit.register
def _stop_leftovers():
    for process in list(_running):
        process.kill()
        process.wait()


def nginx_binary():
    """$NGINX_BIN, nginx on the PATH, or Debian's /usr/sbin/nginx."""
    binary = os.environ.get("NGINX_BIN") or shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.access(binary, os.X_OK), f"nginx is not installed (Debian's nginx package): {binary}"
    return binary


def _replace(text, pattern, replacement, count=1, flags=re.MULTILINE):
    """`text` with `pattern` replaced; it must occur exactly `count` times."""
    found = len(re.findall(pattern, text, flags))
    assert found == count, f"deploy/nginx.conf: expected {count} match(es) of {pattern!r}, found {found}"
    return re.sub(pattern, replacement, text, flags=flags)


def site_config(upstream_ports, http_port, https_port, certificate, key, access_log, source=DEPLOYED_CONFIG):
    """deploy/nginx.conf with the test's ports and paths (see the module's description)."""
    text = pathlib.Path(source).read_text()
    servers = re.findall(r"^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n", text, re.MULTILINE)
    assert servers, "deploy/nginx.conf: no `server 127.0.0.1:PORT …;` line in the upstream"
    indent, parameters = servers[0]
    lines = "".join(f"{indent}server 127.0.0.1:{port}{parameters};\n" for port in upstream_ports)
    text = re.sub(r"(^\s*server 127\.0\.0\.1:\d+( [^;]*)?;\n)+", lambda _: lines, text, count=1,
                  flags=re.MULTILINE)
    text = _replace(text, r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{http_port};")
    text = _replace(text, r"^(\s*)listen 443 ([^;]*);", rf"\1listen 127.0.0.1:{https_port} \2;")
    text = _replace(text, r"^(\s*)ssl_certificate \S+;", rf"\1ssl_certificate {certificate};")
    text = _replace(text, r"^(\s*)ssl_certificate_key \S+;", rf"\1ssl_certificate_key {key};")
    text = _replace(text, r"^(\s*)access_log \S+ parley;", rf"\1access_log {access_log} parley;")
    return text


def make_certificate(directory):
    """A self-signed certificate for 127.0.0.1, and an SSL context that trusts it."""
    certificate, key = directory / "proxy.crt", directory / "proxy.key"
    done = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                           "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                           "-keyout", str(key), "-out", str(certificate)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return certificate, key, ssl.create_default_context(cafile=str(certificate))


def _make_traversable(directory):
    """Lets other users pass through `directory` and the temporary directories above it (mkdtemp
    makes them private), so nginx's unprivileged workers reach their temporary paths."""
    top = pathlib.Path(tempfile.gettempdir()).resolve()
    directory = pathlib.Path(directory).resolve()
    for path in [directory, *directory.parents]:
        if path == top or top not in path.parents:
            break
        os.chmod(path, os.stat(path).st_mode | 0o011)


class Nginx:
    """nginx proxying to Parley instances on `upstream_ports` of 127.0.0.1, configured from
    deploy/nginx.conf, in `directory`. `base` is its https:// address, `tls` the SSL context
    that trusts its certificate, `http_base` its plain port (which only redirects)."""

    def __init__(self, directory, upstream_ports):
        self.directory = pathlib.Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.upstream_ports = list(upstream_ports)
        self.https_port, self.http_port = free_port(), free_port()
        self.base = f"https://127.0.0.1:{self.https_port}"
        self.http_base = f"http://127.0.0.1:{self.http_port}"
        self.access_log = self.directory / "access.log"
        self.error_log = self.directory / "error.log"
        self.process = None
        certificate, key, self.tls = make_certificate(self.directory)
        (self.directory / "parley.conf").write_text(site_config(
            self.upstream_ports, self.http_port, self.https_port, certificate, key, self.access_log))
        (self.directory / "nginx.conf").write_text(self._main_config())

    def _main_config(self):
        temp = self.directory / "temp"
        temp.mkdir(exist_ok=True)
        user = ""
        if os.geteuid() == 0:
            # nginx started as root runs its workers as an unprivileged user, who must be able to
            # write the temporary files.
            user = "user nobody nogroup;"
            os.chown(temp, pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid)
            _make_traversable(temp.parent)
        paths = "\n".join(f"    {name}_temp_path {temp / name};" for name in
                          ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        return f"""# Written by Tests/pysupport/nginx_proxy.py around deploy/nginx.conf (parley.conf here).
{user}
daemon off;
worker_processes 1;
pid {self.directory / "nginx.pid"};
error_log {self.error_log} info;
events {{
    worker_connections 1024;
}}
http {{
{paths}
    include {self.directory / "parley.conf"};
}}
"""

    def _command(self, *extra):
        return [nginx_binary(), "-p", str(self.directory), "-c", str(self.directory / "nginx.conf"),
                "-e", str(self.error_log), *extra]

    def start(self, timeout=15):
        """Checks the configuration (`nginx -t`), starts nginx and returns once it accepts connections."""
        checked = subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(self._command(), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _running.add(self.process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"nginx exited with {self.process.returncode}:\n{self.error_tail()}"
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return self.base
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"nginx did not listen within {timeout} s:\n{self.error_tail()}")

    def stop(self, timeout=15):
        """SIGQUIT (nginx's graceful stop), then SIGKILL when it is still running after `timeout` s."""
        if self.process is None or self.process.poll() is not None:
            _running.discard(self.process)
            return
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _running.discard(self.process)

    def access_log_size(self):
        try:
            return self.access_log.stat().st_size
        except FileNotFoundError:
            return 0

    def access_entries(self, since=0):
        """The access log's lines written after byte `since`, each as a dict of the `parley` format's
        fields: method, path, status, and the instances tried (`upstreams`, more than one after a retry)
        with what each answered (`upstream_statuses`)."""
        try:
            with open(self.access_log, errors="replace") as log:
                log.seek(since)
                lines = log.read().splitlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in lines:
            match = re.search(r'"(\S+) (\S+) [^"]*" (\d+) .* upstream=(.*) upstream_status=(.*) upstream_time=',
                              line)
            if match:
                entries.append({"method": match[1], "path": match[2], "status": int(match[3]),
                                "upstreams": match[4].split(", "), "upstream_statuses": match[5].split(", "),
                                "line": line})
        return entries

    def error_tail(self, lines=30):
        try:
            return "\n".join(self.error_log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no error log)"

"""A throwaway PostgreSQL cluster for the tests, as pytest-postgresql starts one: `initdb` into a
temporary folder, `pg_ctl start` on a free loopback port, removed afterwards. Nothing depends on
a server already running.

The server binaries come from the PATH or Debian's /usr/lib/postgresql/<version>/bin (`make test`
installs Debian's `postgresql` when `pg_ctl` is missing). PostgreSQL refuses to run as root: as
root (CI), the cluster runs as the `postgres` user that Debian's package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.network import free_port

SUPERUSER = "ntm"


def server_bin_dir() -> Path | None:
    """Where `initdb` and `pg_ctl` are: the PATH's, else Debian's newest version."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


@dataclass(frozen=True)
class PostgresCluster:
    host: str
    port: int
    user: str
    bin_dir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        where = ["-h", self.host, "-p", str(self.port), "-U", self.user]
        subprocess.run(
            [str(self.bin_dir / "createdb"), *where, name],
            check=True,
            capture_output=True,
        )
        return self.url(name)


def _as_server_user() -> tuple[list[str], int | None, int | None]:
    """The command prefix and ids to run the server with: as root, Debian's `postgres` user."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError as error:
        raise RuntimeError(
            "PostgreSQL does not run as root and there is no `postgres` user: install Debian's "
            "postgresql package (make test does) or run the tests as another user"
        ) from error
    return ["runuser", "-u", "postgres", "--"], entry.pw_uid, entry.pw_gid


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A fresh cluster on 127.0.0.1 (trust authentication, superuser `ntm`), stopped and removed
    on exit."""
    bin_dir = server_bin_dir()
    if bin_dir is None:
        raise RuntimeError(
            "PostgreSQL's server programs (initdb, pg_ctl) are not installed: "
            "`make test` installs Debian's postgresql; or `apt-get install postgresql`"
        )
    prefix, uid, gid = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="ntm-pg-"))
    data, log = root / "data", root / "server.log"
    if uid is not None:
        os.chown(root, uid, gid)
    port = free_port()

    def run(*command: str) -> None:
        result = subprocess.run([*prefix, *command], capture_output=True, text=True)
        if result.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {result.stdout}{result.stderr}{tail}")

    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust")
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")
    try:
        yield PostgresCluster("127.0.0.1", port, SUPERUSER, bin_dir)
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)

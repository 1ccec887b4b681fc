"""The attack suite of issue 8: one `parley serve` on a fresh SQLite database is attacked once, by
every attacker together (scenario.py), while a normal client measures it; each test judges one part
of what was recorded. The measured figures are printed at the end of the run, even without -s."""
import asyncio
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "pysupport"))
sys.path.insert(0, str(HERE))
from parley_server import CUSTOMER_EMAILS, DEMO_PASSWORD, parley_server  # noqa: E402
import scenario  # noqa: E402

ADMIN_EMAIL = "attack-admin@parley.test"
ADMIN_PASSWORD = "attack-admin-password"
_reports = []


@pytest.fixture(scope="session")
def attack():
    """The `scenario.Report` of the one attack run."""
    with parley_server(ADMIN_EMAIL, ADMIN_PASSWORD, prefix="parley-attack-", extra_env=scenario.SERVER_ENV,
                       yield_process=True) as (base, process):
        report = asyncio.run(scenario.run(base, process.pid, ADMIN_EMAIL, ADMIN_PASSWORD, CUSTOMER_EMAILS,
                                          DEMO_PASSWORD))
    _reports.append(report)
    return report


def pytest_terminal_summary(terminalreporter):
    for report in _reports:
        terminalreporter.write_line(scenario.summary(report))

"""SIGKILL in the middle of a burst of sends, several times over one database: the server is killed
while dozens of sends are in flight, then started again on the same database. Every send answered
2xx before the kill is stored exactly once; sending the unanswered ones again with their client
message ids stores each exactly once (200 with the stored message for those that had been
committed, 201 for the others); `parley doctor` finds no drifted counter, after each kill and at
the end."""
import asyncio
import dataclasses
import random
import time

import pytest

from parley_process import ServeProcess, run_parley
import sends as s

ROUNDS = 3
PAIRS = 16  # conversations; 32 senders, a customer and a vendor in each
WORKERS = 48  # clients sending at once, each on its own connection
KILL_AFTER = (150, 400)  # 2xx answers in a round before its kill, drawn at random per round
BURST_DEADLINE = 30  # seconds; a round whose burst never gets that far is killed then anyway


@dataclasses.dataclass(repr=False)
class Round:
    number: int
    kill_after: int
    sends: list = dataclasses.field(default_factory=list)
    in_flight_at_kill: int = 0
    burst_seconds: float = 0.0
    doctor: object = None  # `parley doctor` right after the kill, the server down
    stored: dict = dataclasses.field(default_factory=dict)  # after the restart, before the resends
    resends: list = dataclasses.field(default_factory=list)
    stored_after_resends: dict = dataclasses.field(default_factory=dict)

    def __repr__(self):
        return f"<round {self.number}>"

    @property
    def unanswered(self):
        return [send for send in self.sends if send.outcome != s.ANSWERED]


@dataclasses.dataclass(repr=False)
class Report:
    engine: str
    rounds: list = dataclasses.field(default_factory=list)
    final_doctor: object = None  # after the last round, the server stopped
    seconds: float = 0.0

    def __repr__(self):
        return f"<{len(self.rounds)} kills on {self.engine}>"


async def kill_mid_burst(server, senders, number):
    """One round: a burst against the running server, SIGKILL once `kill_after` sends are answered."""
    round_ = Round(number, random.randint(*KILL_AFTER))
    enough = asyncio.Event()
    answered = 0

    def on_answer(_):
        nonlocal answered
        answered += 1
        if answered >= round_.kill_after:
            enough.set()

    async def killer():
        try:
            await asyncio.wait_for(enough.wait(), BURST_DEADLINE)
        except asyncio.TimeoutError:
            pass
        round_.in_flight_at_kill = sum(1 for send in round_.sends if send.outcome == s.PENDING)
        server.kill()

    started = time.monotonic()
    kill = asyncio.create_task(killer())
    # round_.sends fills as the burst goes, so the killer can count the sends still in flight.
    await s.burst(server.base, senders, WORKERS, lambda: True, f"round {number}", on_answer, round_.sends)
    await kill
    round_.burst_seconds = time.monotonic() - started
    return round_


@pytest.fixture(scope="module")
def report(workdir, database_url, engine):
    report = Report(engine)
    server = ServeProcess(database_url, workdir, s.SERVER_ENV)
    started = time.monotonic()
    try:
        conversations = s.seed_senders(database_url, workdir, PAIRS)
        server.start()
        senders = asyncio.run(s.identify(server.base, conversations))
        for number in range(1, ROUNDS + 1):
            round_ = asyncio.run(kill_mid_burst(server, senders, number))
            report.rounds.append(round_)
            round_.doctor = run_parley(database_url, "doctor")
            server.start()
            round_.stored = asyncio.run(s.stored_messages(server.base, senders))
            round_.resends = asyncio.run(s.resend(server.base, round_.unanswered))
            round_.stored_after_resends = asyncio.run(s.stored_messages(server.base, senders))
        server.stop()
        report.final_doctor = run_parley(database_url, "doctor")
    finally:
        server.stop()
    report.seconds = time.monotonic() - started
    s.SUMMARIES.append(summary(report))
    return report


def summary(report):
    lines = [f"SIGKILL on {report.engine}: {len(report.rounds)} kills in {report.seconds:.1f} s"]
    for r in report.rounds:
        committed = sum(1 for send in r.unanswered if send.client_message_id in r.stored)
        lines.append(
            f"  round {r.number}: {len(r.sends)} sends in {r.burst_seconds:.2f} s ({s.describe(r.sends)}), "
            f"killed with {r.in_flight_at_kill} in flight after {r.kill_after} answers; of the "
            f"{len(r.unanswered)} unanswered, {committed} were stored; resent: "
            f"{sum(1 for x in r.resends if x.status == 200)} answered 200, "
            f"{sum(1 for x in r.resends if x.status == 201)} 201, "
            f"{sum(1 for x in r.resends if x.status not in (200, 201))} other")
    return "\n".join(lines)


def test_each_kill_lands_in_the_middle_of_a_burst(report):
    for r in report.rounds:
        assert sum(1 for send in r.sends if send.outcome == s.ANSWERED) >= r.kill_after, r
        assert r.in_flight_at_kill > 0, f"{r}: nothing was in flight when it was killed"


def test_every_send_answered_2xx_before_sigkill_is_stored_exactly_once(report):
    for r in report.rounds:
        answered = [send for send in r.sends if send.outcome == s.ANSWERED]
        missing = [send.client_message_id for send in answered if send.client_message_id not in r.stored]
        assert not missing, f"{r}: {len(missing)} of {len(answered)} answered sends are not stored: {missing[:5]}"
        twice = [send.client_message_id for send in answered if len(r.stored[send.client_message_id]) != 1]
        assert not twice, f"{r}: stored more than once: {twice[:5]}"
        different = [(send.message, r.stored[send.client_message_id][0]) for send in answered
                     if not s.same_message(send.message, r.stored[send.client_message_id][0])]
        assert not different, f"{r}: stored messages differ from their answers: {different[:3]}"


def test_no_send_is_stored_twice_after_sigkill(report):
    for r in report.rounds:
        twice = {cmid: len(found) for cmid, found in r.stored.items() if len(found) > 1}
        assert not twice, f"{r}: {twice}"


def test_resending_the_unanswered_sends_after_sigkill_creates_no_duplicate(report):
    for r in report.rounds:
        assert r.unanswered, f"{r}: no send was left unanswered"
        for first, again in zip(r.unanswered, r.resends):
            stored = r.stored.get(first.client_message_id)
            if stored:
                # Committed before the kill: the same message again, nothing new.
                assert again.status == 200, f"{r}: {again.status} {again.error}"
                assert s.same_message(again.message, stored[0]), (again.message, stored[0])
            else:
                assert again.status == 201, f"{r}: {again.status} {again.error}"
        for send in r.sends:
            found = r.stored_after_resends.get(send.client_message_id, [])
            assert len(found) == 1, f"{r}: {send.client_message_id} ({send.outcome}) stored {len(found)} times"
        assert sum(len(found) for found in r.stored_after_resends.values()) == sum(
            len(found) for found in r.stored.values()) + sum(1 for x in r.resends if x.status == 201)


def test_doctor_finds_no_drift_after_sigkill(report):
    for r in report.rounds:
        assert r.doctor.returncode == 0, f"{r}: doctor after the kill:\n{r.doctor.stdout}{r.doctor.stderr}"
        assert "No drift" in r.doctor.stdout
    assert report.final_doctor.returncode == 0, report.final_doctor.stdout + report.final_doctor.stderr
    assert "No drift" in report.final_doctor.stdout

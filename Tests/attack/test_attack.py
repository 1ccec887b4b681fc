"""What each attacker should have got, and what the normal client and the server's memory went
through while they all ran together (issue 8, "How to prove it"). The attack itself runs once, in
the `attack` fixture (conftest.py, scenario.py); every test here judges one part of its report."""
import collections

from attackers import GIVE_UP_AFTER
from scenario import (AT_ONCE, BODY_STALL_TIMEOUT, CAP, GUESSER_WORKERS, HEADER_TIMEOUT, MARGIN, MEMORY_RECOVERY,
                      MEMORY_SLACK, PAST_CAP, SEND_RATE, SOCKETS_OPENED, SOCKETS_PER_USER, p99)

LATENCY_P99_MS = 100  # for /healthz and for a normal user's send, each over a few hundred samples
OWNER_SIGN_IN_SECONDS = 5  # one bcrypt run takes about 0.5 s in a debug build
CHECKED_GUESSES = 40  # wrong passwords the server may check per door during the attack (it was 18.6 a second)


def _seconds(values):
    return [None if value is None else round(value, 1) for value in values]


def _answers(answers):
    """How many answers of each (status, error code): what a failure message shows."""
    return dict(collections.Counter((a.status, a.code) for a in answers))


def test_slow_headers_are_closed_by_the_server(attack):
    slow = attack.slow_of("headers", "at-cap")
    assert len(slow) >= 300
    refused = [c for c in slow if c.refused]
    assert not refused, f"{len(refused)} connections under the cap were refused"
    still_open = [c for c in slow if c.closed is None]
    late = [c for c in slow if c.closed is not None and c.lifetime > HEADER_TIMEOUT + MARGIN]
    fine = not still_open and not late
    assert fine, (
        f"of {len(slow)} connections that never finished their headers, {len(still_open)} were still open "
        f"after {GIVE_UP_AFTER} s and {len(late)} were closed after more than {HEADER_TIMEOUT + MARGIN} s "
        f"(late ones after {_seconds(sorted(c.lifetime for c in late))[:10]} s)")


def test_connections_past_the_per_address_cap_are_closed_at_once(attack):
    at_cap, past_cap = attack.slow_of("at-cap"), attack.slow_of("past-cap")
    assert (len(at_cap), len(past_cap)) == (CAP, PAST_CAP)
    # The cap is per address and no lower than configured: the first CAP were kept a while…
    early = [c for c in at_cap if c.closed is not None and c.lifetime < 3]
    assert not early, f"{len(early)} of the first {CAP} connections from one address were closed within 3 s"
    # …and every one past it was closed (or refused) at once.
    kept = [c for c in past_cap if c.closed is None or c.lifetime > AT_ONCE]
    assert not kept, (
        f"{len(kept)} of {PAST_CAP} connections past the cap of {CAP} were not closed within {AT_ONCE} s "
        f"(closed after {_seconds(c.lifetime for c in kept)[:10]} s; None: not by the server)")
    served = [c for c in past_cap if c.answer.startswith(b"HTTP/1.1 2")]
    assert not served, f"{len(served)} connections past the cap were served"
    # Once its slow connections are gone, the address is served again: its count was released.
    assert attack.cap_address_again == 200


def test_slow_bodies_are_closed_by_the_server(attack):
    slow = attack.slow_of("body-stall", "body-trickle")
    assert len(slow) == 30
    still_open = [c for c in slow if c.closed is None]
    late = [c for c in slow if c.closed is not None and c.after_progress > BODY_STALL_TIMEOUT + MARGIN]
    fine = not still_open and not late
    assert fine, (
        f"of {len(slow)} stalled request bodies, {len(still_open)} were still open {GIVE_UP_AFTER} s after their "
        f"last byte and {len(late)} were closed more than {BODY_STALL_TIMEOUT + MARGIN} s after it "
        f"(late ones after {_seconds(sorted(c.after_progress for c in late))[:10]} s)")
    answered = [c for c in slow if c.answer.startswith(b"HTTP/1.1 2")]
    assert not answered, f"{len(answered)} incomplete bodies were answered as if complete"


def test_a_user_beyond_16_sockets_is_refused_with_1008(attack):
    attempts = attack.sockets.attempts
    assert len(attempts) == SOCKETS_OPENED
    outcomes = [(a.outcome, a.code, a.reason) for a in attempts]
    assert outcomes[:SOCKETS_PER_USER] == [("ready", None, None)] * SOCKETS_PER_USER, outcomes
    refused = outcomes[SOCKETS_PER_USER:]
    assert refused == [("closed", 1008, "too_many_connections")] * len(refused), refused
    slowest = max(a.seconds for a in attempts[SOCKETS_PER_USER:])
    assert slowest < 2, f"a refused socket took {slowest:.1f} s to be closed"
    # The admitted ones were not dropped to make room, and lasted the whole attack.
    assert attack.sockets.admitted_still_open == SOCKETS_PER_USER


def test_the_sign_in_guesser_is_throttled(attack):
    for door, answers, code in (("POST /api/v1/auth/token", attack.api_guesses, "too_many_attempts"),
                                ("POST /admin/login", attack.admin_guesses, None)):
        refused = [a for a in answers if a.status == 429]
        assert refused, f"{door}: the guesser was never refused: {_answers(answers)}"
        if code:
            assert {a.code for a in refused} == {code}, f"{door}: {_answers(answers)}"
        unusable = {a.retry_after for a in refused if not (a.retry_after or "").isdigit() or int(a.retry_after) < 1}
        assert not unusable, f"{door}: 429 without a usable Retry-After: {unusable}"
        # Each checked guess costs a bcrypt run: a handful, not hundreds.
        checked = sum(1 for a in answers if a.status == 401)
        assert checked <= CHECKED_GUESSES, f"{door}: {checked} guesses were checked: {_answers(answers)}"
        # A guess may wait its turn for bcrypt past the attacker's patience (10 s); nothing else.
        odd = [a for a in answers if a.status not in (401, 429, "ReadTimeout")]
        assert not odd, f"{door}: {_answers(answers)}"


def test_the_administrator_still_signs_in_while_the_guesser_is_throttled(attack):
    owner = attack.owner
    guesses = attack.api_guesses + attack.admin_guesses
    before = [a for a in guesses if a.at + a.seconds < owner.at]
    assert any(a.status == 429 for a in before), "the guesser was not throttled yet when the owner signed in"
    assert owner.api_status == 201, f"the administrator's own API sign-in from 127.0.0.1 answered {owner.api_status}"
    assert owner.admin_status in (302, 303) and owner.admin_session_cookie, (
        f"the administrator's admin panel sign-in from 127.0.0.1 answered {owner.admin_status}")
    # The owner's success forgives nobody else: the guesser is still refused afterwards (a delay
    # that runs out lets at most one round of its workers through).
    after = [a for a in guesses if a.at > owner.at + owner.api_seconds + owner.admin_seconds]
    assert any(a.status == 429 for a in after), _answers(after)
    assert sum(1 for a in after if a.status == 401) <= GUESSER_WORKERS, _answers(after)


def test_the_guesser_does_not_hold_up_the_administrators_sign_in(attack):
    """Each guess costs a bcrypt run: a guesser's queue of them must not make the owner wait."""
    owner = attack.owner
    print(f"owner's sign-in took {owner.api_seconds:.2f} s (API), {owner.admin_seconds:.2f} s (admin panel)")
    waited = max(owner.api_seconds, owner.admin_seconds)
    assert waited <= OWNER_SIGN_IN_SECONDS, (
        f"the administrator waited {owner.api_seconds:.1f} s (API) and {owner.admin_seconds:.1f} s (admin panel) "
        f"to sign in while the guesser was at it")


def test_the_flooder_is_limited_and_the_normal_users_are_not(attack):
    flood = attack.flood
    limited = [a for a in flood if a.status == 429]
    assert limited and {a.code for a in limited} == {"rate_limited"}, _answers(flood)
    assert all((a.retry_after or "").isdigit() for a in limited), "a 429 without Retry-After"
    # 20 per 10 s, sliding: at most two windows' worth while the flooder runs (15 s).
    sent = sum(1 for a in flood if a.status == 201)
    assert 1 <= sent <= 2 * SEND_RATE[0], _answers(flood)
    assert not [a for a in flood if a.status not in (201, 429)], _answers(flood)
    refused = [(status, code) for _, status, code, _ in attack.sends if status != 201]
    assert not refused, f"{len(refused)} of the normal users' {len(attack.sends)} sends failed: {refused[:10]}"


def test_healthz_stays_fast_under_attack(attack):
    failed = [(round(ms), status) for ms, status, *_ in attack.healthz if status != 200]
    assert not failed, f"/healthz failed {len(failed)} times: {failed[:10]}"
    count, latency = len(attack.healthz), p99([ms for ms, *_ in attack.healthz])
    print(f"healthz p99 {latency:.1f} ms over {count} requests")
    assert count >= 200
    assert latency <= LATENCY_P99_MS


def test_a_normal_users_send_stays_fast_under_attack(attack):
    count, latency = len(attack.sends), p99([ms for ms, *_ in attack.sends])
    print(f"normal send p99 {latency:.1f} ms over {count} sends (the goal is {LATENCY_P99_MS} ms)")
    slowest = sorted(attack.sends, reverse=True)[:5]
    print("slowest sends (ms, seconds into the attack):",
          [(round(ms), round(at - attack.started, 1)) for ms, _, _, at in slowest])
    # A p99 needs a few hundred samples: over 84 it was the single worst send, which lands where
    # some 300 connections are set up or cut at once (140 ms once in a debug build).
    assert count >= 200
    assert latency <= LATENCY_P99_MS


def test_memory_returns_after_the_attack(attack):
    def mib(kib):
        return f"{kib / 1024:.1f} MiB"
    print(f"memory: baseline {mib(attack.baseline_kib)}, peak {mib(attack.peak_kib)}, after {mib(attack.after_kib)}")
    assert attack.recovered_in is not None, (
        f"resident memory was {mib(attack.after_kib)} {MEMORY_RECOVERY} s after the attack, over "
        f"{mib(attack.baseline_kib)} + {MEMORY_SLACK:.0%} (peak {mib(attack.peak_kib)})")

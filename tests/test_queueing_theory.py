"""Validation of the ``ideal`` dispatch policy against queueing theory.

With ``dispatch: ideal`` an event waits FIFO for the first free slot of its pool, so a function with
reserved concurrency c, Poisson arrivals, exponential durations, no errors and no cold starts is an
M/M/c queue (Erlang C), and with a MaximumEventAgeInSeconds D that expires waiting events it is
M/M/c+D (deterministic patience). The wait of an event is ``dispatched_at - enqueued_at`` of its
first attempt.

Method: R = 20 independent replications (different seeds) of a finite run; the first ``warmup_s`` of
arrivals are discarded; each replication gives one estimate (a fraction or a mean over its events),
and the theoretical value must lie in the t-based confidence interval of the R estimates. Twenty
shorter runs rather than ten longer ones for the same cost: the interval's width rests on a sample
standard deviation with R - 1 degrees of freedom. A first set of ten 6,000-s runs of case c10 gave
one about 0.6 of the spread seen over 200 further replications, and an interval that just missed
Erlang C although those 200 replications showed no bias.

Confidence level: this file makes ``CHECKS`` interval checks. Each uses level 1 - 0.05 / CHECKS
(Bonferroni), so that all of them hold together with probability at least 95 % when the engine is
right; at 95 % each, about one correct run in four would fail one of them by chance. The intervals
are not widened otherwise: the warm-up is several relaxation times of each system (given per case),
so the bias of starting empty is small next to the interval's width.
"""

import math

import numpy as np
import pytest
from helpers import one_function
from scipy import stats

import lambdasim as ls
from lambdasim.model.dists import Constant, Exponential
from lambdasim.model.workloads import Poisson

CHECKS = 6
LEVEL = 1 - 0.05 / CHECKS


# -- theory -----------------------------------------------------------------------------------------

def poisson_terms(c, a):
    """[a^k / k! for k = 0 … c], built by multiplication (no factorial overflow)."""
    terms = [1.0]
    for k in range(1, c + 1):
        terms.append(terms[-1] * a / k)
    return terms


def erlang_c(c, a):
    """Erlang C: probability that an arrival waits in M/M/c with offered load a = λ/μ < c.

    C(c, a) = [a^c/c! · c/(c-a)] / [Σ_{k<c} a^k/k! + a^c/c! · c/(c-a)]; the mean wait is
    C / (cμ - λ).
    """
    terms = poisson_terms(c, a)
    top = terms[c] * c / (c - a)
    return top / (sum(terms[:c]) + top)


def mmc_deterministic_patience(rate, mu, c, patience):
    """M/M/c+D: (P(the offered wait V > 0), P(V > D)) with FIFO and deterministic patience D.

    Derivation (Baccelli & Hébuterne 1981; it is the case G = deterministic of Zeltyn & Mandelbaum,
    "The M/M/n+G queue: summary of performance measures", 2005). With FIFO and exponential service,
    describe the system by the number k < c of busy servers while nobody waits (probabilities p_k),
    and otherwise by the offered wait V > 0 (density f): the wait an arrival would get. V falls at
    rate 1. An arrival that finds V = v <= D will be served at t + v and raises V by one more
    departure of c busy servers, an Exp(cμ) amount; one that finds V > D abandons at D and changes
    nothing. An arrival finding c - 1 busy takes the last server and V jumps from 0 to Exp(cμ).
    Then p_k = p_0 a^k / k! for k < c (birth-death, a = λ/μ), and level crossing at x > 0
    (down-crossings f(x) = up-crossings) gives

        f(x) = λ p_{c-1} e^{-cμx} + λ ∫_0^{min(x, D)} f(y) e^{-cμ(x-y)} dy,

    solved by f(x) = λ p_{c-1} exp(λ·min(x, D) - cμx). So with
    J = ∫_0^∞ exp(λ·min(x, D) - cμx) dx = (e^{(λ-cμ)D} - 1)/(λ-cμ) + e^{(λ-cμ)D}/(cμ)
    (the first term is D when λ = cμ), normalisation Σ p_k + λ p_{c-1} J = 1 gives p_{c-1}, and by
    PASTA

        P(wait > 0) = λ p_{c-1} J,     P(abandon) = P(V > D) = λ p_{c-1} e^{(λ-cμ)D} / (cμ).

    Checks: D = 0 gives Erlang B, D → ∞ (λ < cμ) gives Erlang C and no abandonment (tested below).
    In the engine an event still waiting at age D expires (``EventAgeExceeded``) and one reached
    by a slot at age <= D runs: exactly "abandon iff V > D".
    """
    a = rate / mu
    terms = poisson_terms(c - 1, a)
    p_last = 1.0 / (sum(terms) / terms[-1] + rate * _j(rate, mu, c, patience))  # p_{c-1}
    drift = rate - c * mu
    return rate * p_last * _j(rate, mu, c, patience), rate * p_last * math.exp(drift * patience) / (c * mu)


def _j(rate, mu, c, patience):
    drift = rate - c * mu
    head = patience if drift == 0 else math.expm1(drift * patience) / drift
    return head + math.exp(drift * patience) / (c * mu)


def assert_in_interval(estimates, value, what):
    """``value`` lies in the two-sided t interval (level LEVEL) of the replication estimates (the t
    quantile from scipy, as the library's ``confidence`` takes it)."""
    estimates = np.asarray(estimates, dtype=float)
    r = len(estimates)
    mean = estimates.mean()
    half = stats.t.ppf(1 - (1 - LEVEL) / 2, r - 1) * estimates.std(ddof=1) / math.sqrt(r)
    assert mean - half <= value <= mean + half, (
        f"{what}: theory {value:.5g} outside [{mean - half:.5g}, {mean + half:.5g}] "
        f"(mean {mean:.5g} of {r} replications)")


# -- simulation ---------------------------------------------------------------------------------------

def replication(*, rate, mean_s, servers, end_s, warmup_s, seed, max_age=21600):
    """One run of M/M/c (+D) in ``ideal`` mode → (P(wait > 0), mean wait of served, P(expired)).

    Arrivals stop at ``end_s`` and the run goes on until every event is resolved, so each event's
    wait is observed in full; events that arrived before ``warmup_s`` are left out.
    """
    scenario = one_function(
        [Poisson("orders", rate_per_s=rate, end_s=end_s)], dispatch="ideal", reserved_concurrency=servers,
        account=servers + 100, duration=Exponential(mean_s), cold_start=Constant(0.0), timeout_s=900,
        max_age=max_age, seed=seed,
    )
    result = ls.run(scenario)
    attempts, events = result.attempts, result.events
    assert attempts["outcome"].isin(["success", "expired"]).all()  # no errors, timeouts or throttles
    events = events[events["enqueued_at"] >= warmup_s].set_index("event_id")
    first = attempts[(attempts["kind"] == "invoke") & (attempts["attempt"] == 1)].set_index("event_id")
    wait = (first["dispatched_at"] - first["enqueued_at"]).reindex(events.index)
    expired = events["fate"] == "event_age_exceeded"
    assert wait.isna().eq(expired).all()
    assert (wait.dropna() <= max_age).all()
    waited = expired | (wait > 0)  # an event that expired waited D (> 0) first
    return waited.mean(), wait.mean(), expired.mean()


def replications(seeds, **kw):
    return np.array([replication(seed=seed, **kw) for seed in seeds]).T


# -- the checks ---------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("rate, servers, end_s, warmup_s, seeds", [
    # ρ = 0.9, c = 10: relaxation time ≈ 1 / (cμ (1 - √ρ)²) ≈ 38 s; warm-up 200 s, 20 × ~25,000 events.
    (9.0, 10, 3000.0, 200.0, range(4001, 4021)),
    # ρ = 0.9, c = 100: relaxation ≈ 4 s; warm-up 50 s, 20 × ~22,500 events.
    (90.0, 100, 300.0, 50.0, range(5001, 5021)),
], ids=["c10", "c100"])
def test_ideal_dispatch_matches_erlang_c(rate, servers, end_s, warmup_s, seeds):
    p_wait, mean_wait, p_expired = replications(seeds, rate=rate, mean_s=1.0, servers=servers, end_s=end_s,
                                                warmup_s=warmup_s)
    assert not p_expired.any()
    c_value = erlang_c(servers, rate)
    assert_in_interval(p_wait, c_value, "P(wait > 0)")
    assert_in_interval(mean_wait, c_value / (servers - rate), "mean wait")


@pytest.mark.slow
def test_ideal_dispatch_with_an_event_age_matches_mmc_with_deterministic_patience():
    """M/M/10+D at critical load: λ = 1/s, mean duration 10 s (μ = 0.1), c = 10, D = 60 s.

    Chosen so the answer is not trivial: at λ = 11/s, mean 1 s, c = 10, D = 60 s the expired fraction
    is 1 - cμ/λ = 1/11 to ten digits (flow conservation alone). Here cμD = 6 and P(expired) ≈ 1.55 %
    with P(wait > 0) ≈ 94.3 %, while M/M/c without patience would be unstable. Relaxation: the queue
    (at most about λD = 60 waiting) diffuses at rate λ + cμ = 2/s, a relaxation time of about
    2·60² / (2π²) ≈ 365 s; warm-up 2,000 s, then 20 × ~18,000 events.
    """
    rate, mu, servers, patience = 1.0, 0.1, 10, 60
    p_wait, _, p_expired = replications(range(6001, 6021), rate=rate, mean_s=1 / mu, servers=servers,
                                        end_s=20000.0, warmup_s=2000.0, max_age=patience)
    theory_wait, theory_expired = mmc_deterministic_patience(rate, mu, servers, patience)
    assert_in_interval(p_expired, theory_expired, "P(expired)")
    assert_in_interval(p_wait, theory_wait, "P(wait > 0)")


# -- the formulas themselves ----------------------------------------------------------------------------

def test_formulas_reduce_to_known_cases():
    assert erlang_c(1, 0.5) == pytest.approx(0.5)            # M/M/1: P(wait) = ρ
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(10, 9.0) == pytest.approx(0.66873, abs=1e-5)
    for c, a in [(1, 0.5), (10, 9.0), (100, 90.0)]:
        terms = poisson_terms(c, a)
        erlang_b = terms[c] / sum(terms)
        assert mmc_deterministic_patience(a, 1.0, c, 0.0)[1] == pytest.approx(erlang_b)  # D = 0: loss system
        waits, abandons = mmc_deterministic_patience(a, 1.0, c, 400.0)                    # D → ∞
        assert waits == pytest.approx(erlang_c(c, a)) and abandons < 1e-9
    # Overload with long patience: the servers are always busy, so 1 - cμ/λ abandon.
    assert mmc_deterministic_patience(11.0, 1.0, 10, 60.0)[1] == pytest.approx(1 / 11)

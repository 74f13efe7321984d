"""docs/aws-behaviour.md, the project's fact sheet, stays honest and is what the repository cites.

- Every numbered section links to at least one https:// source, and every "Choice" gives its reason.
- The numbers and AWS messages the code uses appear in the sheet, written the way the sheet writes
  them, so changing a constant or a message without the sheet (or the other way round) fails here.
- Nothing in the repository cites the old fact sheet and design notes that lived outside it, and
  every ``docs/aws-behaviour.md §N`` citation names a section that exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lambdasim.engine.concurrency import THROTTLE_REASONS
from lambdasim.model import rules
from lambdasim.model.errors import LambdaError
from lambdasim.model.functions import FunctionConfig
from lambdasim.model.scenario import QueueSettings
from lambdasim.results import pricing

ROOT = Path(__file__).resolve().parents[1]
SHEET = ROOT / "docs" / "aws-behaviour.md"
TEXT = SHEET.read_text(encoding="utf-8")
ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"

_HEADING = re.compile(r"^## (\d+)\. (.+)$", re.MULTILINE)


def _sections() -> dict[int, tuple[str, str]]:
    """{number: (title, body)} of the sheet's numbered ``## N. Title`` sections."""
    heads = list(_HEADING.finditer(TEXT))
    return {int(h.group(1)): (h.group(2), TEXT[h.end():heads[i + 1].start() if i + 1 < len(heads) else None])
            for i, h in enumerate(heads)}


SECTIONS = _sections()


def _flat(text: str) -> str:
    """``text`` with every run of whitespace as one space (the sheet wraps its lines freely)."""
    return " ".join(text.split())


def _section(title_word: str) -> str:
    """The body of the one section whose title contains ``title_word``, whitespace flattened."""
    (body,) = [body for title, body in SECTIONS.values() if title_word.lower() in title.lower()]
    return _flat(body)


def _message(raises) -> str:
    """The message of the AWS error a rules check raises (or a rules factory returns)."""
    try:
        error = raises()
    except LambdaError as raised:
        return raised.message
    assert isinstance(error, LambdaError), f"{raises} neither raised nor returned an AWS error"
    return error.message


# -- shape -------------------------------------------------------------------------------------------


def test_sections_are_numbered_one_to_n_and_cover_the_topics():
    assert list(SECTIONS) == list(range(1, len(SECTIONS) + 1))
    titles = " | ".join(title for title, _ in SECTIONS.values()).lower()
    for topic in ("invoke api", "event queue", "retries on function errors", "throttles", "event age",
                  "destinations", "dead-letter", "event-invoke-config", "concurrency and scaling",
                  "provisioned", "execution", "handlers", "versions and aliases", "function state",
                  "recursive loop", "metrics", "pricing", "sources", "not modelled"):
        assert topic in titles, f"no section about {topic!r} in {titles}"
    assert list(SECTIONS.values())[-1][0] == "Not modelled", "the sheet ends with the Not modelled list"


@pytest.mark.parametrize("number", sorted(SECTIONS))
def test_every_section_links_a_source(number):
    title, body = SECTIONS[number]
    assert re.search(r"\(https://[^)\s]+\)", body), f"§{number} {title} links no https:// source"


def test_every_choice_gives_its_reason():
    entries = re.split(r"\n(?=- |\d+\. |## )", TEXT)
    choices = [entry for entry in entries if "**Choice:**" in entry]
    assert len(choices) >= 30, f"only {len(choices)} Choice entries: the sheet lost its choices"
    for entry in choices:
        reason = entry.split("**Why:**", 1)[1] if "**Why:**" in entry else ""
        assert len(reason.split()) >= 5, f"a Choice without a reason: {entry[:120]!r}"
        assert entry.index("**Choice:**") < entry.index("**Why:**")


def test_every_fact_says_what_lambdasim_does():
    # Each topic section (not the sources, the examples or the lists) states lambdasim's side.
    for number, (title, body) in SECTIONS.items():
        if title in ("Worked examples", "Sources", "Not modelled"):
            continue
        assert "**lambdasim:**" in body or "**Choice:**" in body, f"§{number} {title}: lambdasim's side?"


# -- the numbers the code uses, as the sheet writes them --------------------------------------------


def _money(value: float) -> str:
    return f"${value:.10f}".rstrip("0")


Q, F, P = QueueSettings(), FunctionConfig(), pricing
_PRICES = (*P.PRICE_PER_GB_SECOND.values(), *P.PROVISIONED_PER_GB_SECOND.values(),
           *P.PROVISIONED_DURATION_PER_GB_SECOND.values())

NUMBERS = {
    "Retries": [f"`MaximumRetryAttempts` is 0–{rules.MAX_RETRY_ATTEMPTS}, "
                f"default {rules.DEFAULT_RETRY_ATTEMPTS}",
                f"`queue.retry_delays_s` = ({Q.retry_delays_s[0]:g}, {Q.retry_delays_s[1]:g})",
                f"uniform **0–{Q.retry_jitter_s:g} s** by default "
                f"(`queue.retry_jitter_s: {Q.retry_jitter_s:g}`"],
    "Throttles": [f"`min({Q.throttle_backoff_base_s:g} s·2^(n−1), {Q.throttle_backoff_max_s:g} s)`",
                  f"`queue.throttle_backoff_base_s` = {Q.throttle_backoff_base_s:g}",
                  f"`queue.throttle_backoff_max_s` = {Q.throttle_backoff_max_s:g}",
                  f"**1 ± {Q.throttle_jitter:g}** by default (`queue.throttle_jitter: {Q.throttle_jitter:g}`",
                  *rules.SYSTEM_ERRORS, *THROTTLE_REASONS.values()],
    "Event age": [f"**{rules.MIN_EVENT_AGE_S}–{rules.MAX_EVENT_AGE_S:,} s**",
                  f"default **{rules.DEFAULT_EVENT_AGE_S:,} s**"],
    "Invoke API": [f"`rules.ASYNC_PAYLOAD_LIMIT` = {rules.ASYNC_PAYLOAD_LIMIT:,} bytes",
                   f"`rules.LEGACY_ASYNC_PAYLOAD_LIMIT` = {rules.LEGACY_ASYNC_PAYLOAD_LIMIT:,} bytes",
                   f"`queue.payload_limit_bytes: {rules.LEGACY_ASYNC_PAYLOAD_LIMIT}`",
                   f"`rules.SYNC_PAYLOAD_LIMIT` = {rules.SYNC_PAYLOAD_LIMIT:,} bytes",
                   f"**{rules.ASYNC_PAYLOAD_LIMIT // 2**20} MB**",
                   f"**{rules.LEGACY_ASYNC_PAYLOAD_LIMIT // 2**10} KB**",
                   f"**{rules.SYNC_PAYLOAD_LIMIT // 2**20} MB**"],
    "Destinations": [f"SNS {rules.DESTINATION_MAX_BYTES['sns']:,} bytes",
                     f"SQS, EventBridge and Lambda {rules.DESTINATION_MAX_BYTES['sqs']:,} bytes"],
    "Concurrency and scaling": [
        f"**{rules.DEFAULT_CONCURRENT_EXECUTIONS:,} concurrent executions**",
        f"at least **{rules.UNRESERVED_MINIMUM} unreserved**",
        f"can reserve {rules.DEFAULT_CONCURRENT_EXECUTIONS - rules.UNRESERVED_MINIMUM}",
        f"at most **{rules.SCALING_BURST:,.0f} new execution environments every "
        f"{rules.SCALING_BURST / rules.SCALING_REFILL_PER_S:g} seconds**",
        f"a token bucket of {rules.SCALING_BURST:,.0f} new environments",
        f"refilled at {rules.SCALING_REFILL_PER_S:g} per second"],
    "Execution": [f"`Timeout` is {rules.TIMEOUT_S[0]}–{rules.TIMEOUT_S[1]} s, default {F.timeout_s} s",
                  f"`MemorySize` {rules.MEMORY_MB[0]}–{rules.MEMORY_MB[1]:,} MB, default {F.memory_mb} MB",
                  f"`FunctionConfig.timeout_s` = {F.timeout_s}",
                  f"`FunctionConfig.memory_mb` = {F.memory_mb}",
                  f"(default {F.cold_start.to_dict()['value_s']:g} s)",
                  f"`keep_alive_s` (default {F.keep_alive_s:g} s)"],
    "Handlers": [f"last **{4096 // 1024} KB**",
                 f"documented 6 MB ({rules.RESPONSE_PAYLOAD_LIMIT:,} bytes)",
                 f"recorded {rules.RESPONSE_SIZE_IN_MESSAGE:,} bytes"],
    "Recursive loop": [f"`rules.RECURSION_LIMIT` = {rules.RECURSION_LIMIT}",
                       f"about **{rules.RECURSION_LIMIT} times**",
                       f"its {rules.RECURSION_LIMIT + 1}th invocation"],
    "Pricing": [f"**${P.PRICE_PER_REQUEST * 1e6:.2f} per million**",
                f"**{P.FREE_REQUESTS:,} requests**", f"**{P.FREE_GB_SECONDS:,} GB-s**",
                f"over **{P.PAYLOAD_INCLUDED_BYTES // P.KB} KB**",
                f"further **{P.PAYLOAD_CHUNK_BYTES // P.KB} KB**",
                f"300 KB is {P.requests_for_payload(300 * P.KB)} requests",
                f"1,024 KB is {P.requests_for_payload(1024 * P.KB)}",
                f"billed in {P.PROVISIONED_BILLING_INCREMENT_S // 60}-minute steps",
                *(f"**{_money(price)}**" for price in _PRICES)],
}


@pytest.mark.parametrize("topic", sorted(NUMBERS))
def test_the_numbers_the_code_uses_are_the_sheets(topic):
    body = _section(topic)
    for phrase in NUMBERS[topic]:
        assert _flat(phrase) in body, f"§ {topic}: the sheet does not say {phrase!r} (code and sheet differ)"


def test_function_pending_time_matches_the_code_when_it_exists():
    from lambdasim.model.scenario import Account
    body = _section("Function state")
    pending = getattr(Account(), "function_pending_s", None)
    if pending is not None:
        assert f"`account.function_pending_s` (default {pending:g} s)" in body
    assert "409 `ResourceConflictException`" in body


# -- AWS's messages, as the code produces them ------------------------------------------------------


MESSAGES = {
    "Invoke API": [
        lambda: rules.check_async_payload(rules.ASYNC_PAYLOAD_LIMIT + 1),
        lambda: rules.check_sync_payload(rules.SYNC_PAYLOAD_LIMIT + 1),
        lambda: rules.function_not_found(f"{ARN}:{rules.LATEST}"),
    ],
    "Event-invoke-config": [
        lambda: rules.check_some_setting(None, None, None),
        rules.function_does_not_exist,
        lambda: rules.no_event_invoke_config(f"{ARN}:{rules.LATEST}"),
        lambda: rules.invalid_destination("arn:aws:lambda:us-east-1:123456789012:function:missing"),
        lambda: rules.check_destination_services("arn:aws:s3:::bucket", None),
        rules.whole_function_only,
    ],
    "Destinations": [lambda: rules.check_not_own_destination(ARN, ARN, None)],
    "Concurrency and scaling": [lambda: rules.check_reservation(rules.DEFAULT_CONCURRENT_EXECUTIONS, 0,
                                                                rules.DEFAULT_CONCURRENT_EXECUTIONS)],
    "Provisioned": [rules.provisioned_on_latest, lambda: rules.check_provisioned(2, 1, 1000, 1000),
                    rules.provisioned_not_found],
    "Handlers": [lambda: rules.check_environment_keys(["AWS_REGION"])],
    "Versions and aliases": [
        lambda: rules.check_routing("1", {"2": 0.1, "3": 0.1}),
        lambda: rules.check_routing(rules.LATEST, {"2": 0.1}),
        lambda: rules.alias_not_found(f"{ARN}:live"),
    ],
}


@pytest.mark.parametrize("topic", sorted(MESSAGES))
def test_the_messages_the_code_gives_are_the_sheets(topic):
    body = _section(topic)
    for make in MESSAGES[topic]:
        message = _message(make)
        assert f"`{message}`" in body, f"§ {topic}: the sheet does not quote {message!r}"


def test_the_oversized_response_error_is_the_sheets():
    error_type, message = rules.response_too_large()
    payload = json.dumps({"errorMessage": message, "errorType": error_type})
    assert f"`{payload}`" in _section("Handlers")


# -- citations in the repository --------------------------------------------------------------------

#: What the repository must no longer cite: the fact sheet and design notes kept outside it.
_OUTSIDE = re.compile(r"spec §|spec section|design\.md|aws-async-invocation\.md|spec/aws-")
_CITATION = re.compile(r"docs/aws-behaviour\.md ((?:§\d+(?:[–-]§?\d+)?(?:, )?)+)")


def _cited_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "lambdasim").rglob("*.py")),
             *sorted((ROOT / "tests").rglob("*.py")), *sorted((ROOT / "notebooks").glob("*.ipynb")),
             *sorted(p for p in (ROOT / "data").rglob("*") if p.suffix in {".yaml", ".yml", ".md"})]
    return [path for path in files if path != Path(__file__).resolve()]


def test_nothing_cites_files_outside_the_repository():
    files = _cited_files()
    assert len(files) > 50 and any(p.suffix == ".ipynb" for p in files)
    offenders = [f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}"
                 for path in files for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if _OUTSIDE.search(line)]
    assert not offenders, "cite docs/aws-behaviour.md §N instead:\n" + "\n".join(offenders)


def test_every_citation_names_a_section_that_exists():
    cited = []
    for path in _cited_files():
        for match in _CITATION.finditer(path.read_text(encoding="utf-8")):
            for number in re.findall(r"\d+", match.group(1)):
                cited.append((path.relative_to(ROOT), int(number)))
    assert len({path for path, _ in cited}) >= 10, "the notebooks, README and code cite the sheet"
    missing = [f"{path}: §{number}" for path, number in cited if number not in SECTIONS]
    assert not missing, f"citations of sections the sheet does not have: {missing}"

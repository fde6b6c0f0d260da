"""Reading one thing in every enabled Region, and judging the answers as one verdict.

A regional step (EBS encryption by default, Access Analyzer, GuardDuty) asks the same question
in each Region the account has enabled. :func:`fan_out` asks it through a bounded thread pool
and keeps, for each Region, either the answer or the exception (never dropped: a Region that
could not be read must not look like a Region with nothing wrong). :func:`combine` then turns
per-Region verdicts into the step's one verdict: any fail makes it fail, else any unknown makes
it unknown, else it passes; the evidence is keyed by Region and the summary names the Regions
at fault. Nothing here calls AWS itself; the account hands in the reads
(:meth:`aws_setup_wizard.account.Account.per_region`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aws_setup_wizard.errors import describe_error
from aws_setup_wizard.model import Check, Status

T = TypeVar("T")

#: How many Regions are read at once unless a caller says otherwise: enough to hide network
#: latency over ~17 default Regions, few enough to stay well under API rate limits.
DEFAULT_MAX_WORKERS = 8


@dataclass(frozen=True)
class RegionValue(Generic[T]):
    """The answer read in one Region."""

    region: str
    value: T

    @property
    def ok(self) -> bool:
        """True: the Region was read."""
        return True


@dataclass(frozen=True)
class RegionError:
    """The exception raised while reading one Region (access denied, throttled, network…)."""

    region: str
    error: Exception

    @property
    def ok(self) -> bool:
        """False: the Region could not be read."""
        return False


RegionOutcome = RegionValue[T] | RegionError


@dataclass(frozen=True)
class RegionalResults(Generic[T]):
    """One outcome per Region, in the order the Regions were given (a read-only mapping).

    ``results["eu-west-1"]`` is a :class:`RegionValue` or a :class:`RegionError`; use
    :meth:`values` and :meth:`errors` to split them.
    """

    outcomes: tuple[RegionOutcome[T], ...]

    @property
    def regions(self) -> tuple[str, ...]:
        """The Regions asked, in order."""
        return tuple(outcome.region for outcome in self.outcomes)

    @property
    def ok(self) -> bool:
        """True when every Region was read."""
        return all(outcome.ok for outcome in self.outcomes)

    def values(self) -> dict[str, T]:
        """The answers of the Regions that were read, by Region."""
        return {o.region: o.value for o in self.outcomes if isinstance(o, RegionValue)}

    def errors(self) -> dict[str, Exception]:
        """The exceptions of the Regions that could not be read, by Region."""
        return {o.region: o.error for o in self.outcomes if isinstance(o, RegionError)}

    def __getitem__(self, region: str) -> RegionOutcome[T]:
        for outcome in self.outcomes:
            if outcome.region == region:
                return outcome
        raise KeyError(region)

    def __iter__(self) -> Iterator[RegionOutcome[T]]:
        return iter(self.outcomes)

    def __len__(self) -> int:
        return len(self.outcomes)


def fan_out(
    read: Callable[[str], T],
    regions: Iterable[str],
    *,
    max_workers: int = DEFAULT_MAX_WORKERS,
) -> RegionalResults[T]:
    """Call ``read(region)`` for every Region, at most ``max_workers`` at a time.

    Each Region's exception is kept as its :class:`RegionError`; one Region failing never
    hides the others' answers. Only ``Exception`` is caught: an interrupt still stops the run.
    """
    if max_workers < 1:
        raise ValueError(f"max_workers must be at least 1, not {max_workers}")
    chosen = tuple(dict.fromkeys(regions))  # each Region once, order kept

    def attempt(region: str) -> RegionOutcome[T]:
        try:
            return RegionValue(region, read(region))
        except Exception as exc:  # noqa: BLE001 - kept as this Region's outcome, not swallowed
            return RegionError(region, exc)

    if not chosen:
        return RegionalResults(())
    with ThreadPoolExecutor(
        max_workers=min(max_workers, len(chosen)), thread_name_prefix="region"
    ) as pool:
        return RegionalResults(tuple(pool.map(attempt, chosen)))


def unreadable(region: str, exc: BaseException) -> Check:
    """One Region's verdict when it could not be read: unknown, with the reason."""
    reason = describe_error(exc)
    return Check(Status.UNKNOWN, f"Could not read {region}: {reason}", {"error": reason})


def judge_regions(
    results: RegionalResults[T],
    judge: Callable[[str, T], Check],
    *,
    what: str,
) -> Check:
    """The step verdict from a fan-out: ``judge(region, value)`` per read Region, then combine.

    A Region that could not be read, or whose answer ``judge`` could not make sense of, is
    ``unknown`` for that Region, never a pass.
    """
    checks: dict[str, Check] = {}
    for outcome in results:
        if isinstance(outcome, RegionError):
            checks[outcome.region] = unreadable(outcome.region, outcome.error)
            continue
        try:
            checks[outcome.region] = judge(outcome.region, outcome.value)
        except Exception as exc:  # noqa: BLE001 - a surprising answer is unknown, not a crash
            checks[outcome.region] = unreadable(outcome.region, exc)
    return combine(checks, what=what)


def _regions(regions: list[str]) -> str:
    """``"1 Region: eu-west-1"`` or ``"2 Regions: eu-west-1, us-east-2"``."""
    noun = "Region" if len(regions) == 1 else "Regions"
    return f"{len(regions)} {noun}: {', '.join(regions)}"


def combine(checks: Mapping[str, Check], *, what: str) -> Check:
    """One verdict from per-Region verdicts: any fail → fail; else any unknown → unknown.

    Only when every Region passes (and there is at least one) is the result a pass. The
    evidence keeps each Region's verdict under ``regions`` (keyed by Region) and lists the
    failing and unknown Regions; the summary names them.
    """
    failing = sorted(region for region, check in checks.items() if check.status is Status.FAIL)
    unknown = sorted(region for region, check in checks.items() if check.status is Status.UNKNOWN)
    evidence: dict[str, Any] = {
        "regions": {
            region: {
                "status": check.status.value,
                "summary": check.summary,
                "evidence": dict(check.evidence),
            }
            for region, check in sorted(checks.items())
        },
        "failing_regions": failing,
        "unknown_regions": unknown,
    }
    if not checks:
        # Every account has Regions enabled; having read none proves nothing.
        return Check(Status.UNKNOWN, f"No Region was read for {what}.", evidence)
    if failing:
        summary = f"{what} is not in place in {_regions(failing)}"
        if unknown:
            summary += f"; could not read {_regions(unknown)}"
        return Check(Status.FAIL, summary + ".", evidence)
    if unknown:
        # The first reason is usually every reason (one missing permission, one outage).
        first = checks[unknown[0]]
        reason = str(first.evidence.get("error") or first.summary).rstrip(".")
        return Check(
            Status.UNKNOWN, f"Could not read {what} in {_regions(unknown)} ({reason}).", evidence
        )
    summary = f"{what} is in place in every Region checked ({len(checks)})."
    return Check(Status.PASS, summary, evidence)

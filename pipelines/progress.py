"""Live progress of a build on the terminal: one line per asset and check, then a summary."""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field

import dagster as dg


@dataclass
class BuildReport:
    started: float = field(default_factory=time.monotonic)
    steps: dict[str, dict] = field(default_factory=dict)
    checks: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)  # assets skipped: same fingerprint as the last build
    nothing_changed: bool = False
    # source/file marked rejected after a failed blocking check
    rejected: list[str] = field(default_factory=list)
    planned: dict[str, list[str]] = field(default_factory=dict)  # step -> the checks it was to evaluate
    materialised: list[str] = field(default_factory=list)  # the assets this build materialised, in order

    def failed_checks(self) -> list[dict]:
        return [c for c in self.checks if c["outcome"] != "passed"]

    def elapsed(self) -> float:
        return time.monotonic() - self.started


REPORT = BuildReport()


def _failed_details(metadata: dict, limit: int = 5) -> list[str]:
    """One line per failed expectation of a check (from its `failed_expectations` metadata): expectation,
    column, how many values, a few of them; for a check comparing two snapshots, its `comparison` lines."""
    comparison = metadata.get("comparison")
    if comparison is not None:  # a check that compares two snapshots prints the comparison
        return [str(line)[:300] for line in getattr(comparison, "value", comparison) or []]
    entry = metadata.get("failed_expectations")
    failed = getattr(entry, "value", entry) or []
    lines = []
    for item in failed[:limit] if isinstance(failed, list) else []:
        kwargs = item.get("kwargs") or {}
        column = kwargs.get("column") or kwargs.get("column_list") or ""
        count = item.get("unexpected_count")
        examples = item.get("partial_unexpected") or []
        line = f"{item.get('expectation')}" + (f" on {column}" if column else "")
        if count:
            line += f": {count:,} unexpected"
        if examples:
            line += f", e.g. {', '.join(str(e) for e in examples[:3])}"
        elif item.get("observed_value") is not None:
            line += f" (observed {item['observed_value']})"
        lines.append(line[:300])
    if isinstance(failed, list) and len(failed) > limit:
        lines.append(f"…and {len(failed) - limit} more failed expectations")
    return lines


class _ProgressHandler(logging.Handler):
    def __init__(self, stream) -> None:  # noqa: ANN001
        super().__init__(logging.DEBUG)
        self.stream = stream

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        meta = record.__dict__.get("dagster_meta") or {}
        event = meta.get("dagster_event") if isinstance(meta, dict) else None
        if event is None:
            return
        kind, step = event.event_type_value, event.step_key
        if kind == "ASSET_CHECK_EVALUATION_PLANNED":
            planned = event.event_specific_data
            REPORT.planned.setdefault(step, []).append(
                f"{planned.asset_key.to_user_string()}:{planned.check_name}"
            )
        elif kind == "STEP_START":
            REPORT.steps[step] = {"start": time.monotonic(), "status": "running"}
            self._say(f"  … {step}")
        elif kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            REPORT.materialised.append(materialization.asset_key.to_user_string())
            rows = materialization.metadata.get("dagster/row_count")
            REPORT.steps.setdefault(step, {})["rows"] = rows.value if rows is not None else None
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            outcome = "passed" if evaluation.passed else f"FAILED ({evaluation.severity.value.lower()})"
            details = [] if evaluation.passed else _failed_details(evaluation.metadata or {})
            REPORT.checks.append(
                {
                    "check": f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}",
                    "severity": evaluation.severity.value.lower(),
                    "passed": bool(evaluation.passed),
                    "outcome": outcome,
                    "details": details,
                }
            )
            self._say(
                f"    check {evaluation.check_name} on {evaluation.asset_key.to_user_string()}: {outcome}"
            )
            for detail in details:
                self._say(f"      {detail}")
        elif kind == "STEP_SUCCESS":
            info = REPORT.steps.setdefault(step, {})
            info["status"] = "ok"
            seconds = time.monotonic() - info.get("start", time.monotonic())
            rows = f", {info['rows']:,} rows" if info.get("rows") is not None else ""
            self._say(f"  ✔ {step} ({seconds:.1f}s{rows})")
        elif kind == "STEP_FAILURE":
            REPORT.steps.setdefault(step, {})["status"] = "FAILED"
            error = event.event_specific_data.error
            message = error.message.strip() if error else record.getMessage()
            cause = error.cause.message.strip() if error and error.cause else ""
            detail = " ".join((cause or message).split())[:600]
            REPORT.failures.append(f"{step}: {detail}")
            self._say(f"  ✘ {step} FAILED: {detail}")
            evaluated = {c["check"] for c in REPORT.checks}
            for check in REPORT.planned.get(step, []):
                if check not in evaluated:  # the check (or its step) raised: it failed without a result
                    REPORT.checks.append({"check": check, "severity": "error", "passed": False,
                                          "outcome": "FAILED (error: its step failed before it reported)", "details": [detail]})  # fmt: skip
                    self._say(f"    check {check}: FAILED (error: its step failed before it reported)")
        elif kind == "PIPELINE_FAILURE":
            error = event.event_specific_data.error if event.event_specific_data else None
            if error is not None:  # an error outside any step (a step's own failure is reported above)
                detail = " ".join(error.message.split())[:600]
                REPORT.failures.append(f"run: {detail}")
                self._say(f"  ✘ the run failed outside its steps: {detail}")
        elif kind == "STEP_SKIPPED":
            REPORT.steps.setdefault(step, {})["status"] = "skipped"
            self._say(f"  – {step} skipped (an upstream step or blocking check failed)")


@dg.logger(description="One line per asset and check on stderr, for the command line.")
def progress_logger(_init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("migration_evidence.progress", level=logging.DEBUG)
    logger.addHandler(_ProgressHandler(sys.stderr))
    return logger

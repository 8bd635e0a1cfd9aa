"""Builds killed with SIGKILL at random moments: afterwards the published database opens and holds exactly the
previous or the new build (content of every curated and staging table), the build lock (an flock) is free, every
Parquet file reads, and the next build succeeds without any cleanup by hand, leaving no temporary file.

The campaign itself (tests/reliability/kills.py) runs in the background from the start of the session; this
test waits for it and reports."""

from __future__ import annotations

import pytest

from tests.reliability import kills
from tests.reliability.conftest import CAMPAIGN_KEY, Recorder

pytestmark = pytest.mark.reliability


def test_builds_killed_at_random_moments_leave_a_usable_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, recorder: Recorder
) -> None:
    campaign = request.config.stash.get(CAMPAIGN_KEY, None)
    if campaign is None:  # not started with the session (e.g. run on its own through another entry point)
        campaign = request.config.stash[CAMPAIGN_KEY] = kills.Campaign(
            tmp_path_factory.mktemp("kills")
        ).start()
    campaign.wait()
    for index, kill in enumerate(campaign.kills):
        # a kill is recovered when the database read after it was sound and the builds after it succeeded
        recorder.outcomes.setdefault("kills", {})[f"kill-{index}"] = kill["ok"] and campaign.final_ok
    moments = sorted(k["delay"] for k in campaign.kills)
    recorder.figures["kills"] = (
        f"{len(campaign.kills)} SIGKILLs at {moments[0] if moments else '-'}..{moments[-1] if moments else '-'}s "
        f"into builds of {campaign.duration:.1f}s: "
        f"{sum(k['published'] == 'previous' for k in campaign.kills)} left the previous database, "
        f"{sum(k['published'] == 'new' for k in campaign.kills)} the new one; "
        f"{sum(bool(k['temporaries']) for k in campaign.kills)} left temporaries the next publish removed; "
        f"{campaign.finished_early} builds finished before their moment; one more kill aimed at the publish "
        f"{_aimed(campaign.targeted)}; campaign {campaign.seconds:.0f}s (in the background)"
    )
    assert campaign.error is None, f"{campaign.error} (log: {campaign.log})"
    assert len(campaign.kills) == kills.KILLS, f"only {len(campaign.kills)} kills"
    assert [k for k in campaign.kills if not k["ok"]] == []
    assert campaign.targeted.get("ok"), f"the kill during the publish: {campaign.targeted}"
    assert campaign.final_ok, f"the build after the kills did not publish cleanly: {campaign.final}"


def _aimed(targeted: dict) -> str:
    if not targeted:
        return "did not run"
    if targeted.get("missed"):
        return "missed the moment (the publish outran the polling)"
    return (
        f"left the {targeted['published']} database and {len(targeted['temporaries'])} temporary file(s), "
        "removed by the next build"
    )

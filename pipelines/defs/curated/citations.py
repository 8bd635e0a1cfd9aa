"""How a key figure or a chart cites its sources."""

import pandas as pd


def cite(snapshots: pd.DataFrame, sources: list[str]) -> str:
    rows = snapshots[snapshots["source"].isin(sources)]
    parts = []
    for citation, group in rows.groupby("citation"):
        accessed = sorted({pd.Timestamp(v).date().isoformat() for v in group["accessed"]})
        parts.append(f"{citation}, accessed {accessed[-1]}")
    return "; ".join(parts) or "source not loaded in this build"

"""The order of ready steps in a build. The in-process executor runs one step at a time and, among the steps whose
inputs are ready, the one with the highest `dagster/priority` tag first (0 by default).

Chart assets write their HTML at once and hand their PNG/SVG renders to the browser, which works in its own
processes on the other core: they run as soon as their tables are ready, so the renders proceed while the build
goes on with its checks, curated tables and publish. The static-images step, which waits for those renders,
runs as late as it can.
"""

PRIORITY_TAG = "dagster/priority"
CHARTS_FIRST = {PRIORITY_TAG: "10"}
COLLECT_LAST = {PRIORITY_TAG: "-10"}

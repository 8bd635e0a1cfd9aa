"""Static chart images: every chart of the build rendered to PNG and SVG in one browser session."""

import dagster as dg

from pipelines.lib.chart_export import render_pending
from pipelines.lib.warehouse import Warehouse

KEY = dg.AssetKey(["reports", "static_images"])


def static_images_asset(chart_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(key=KEY, deps=chart_keys, group_name="reports", kinds={"png", "svg"},
              description=_static_images.__doc__, metadata={"uses_what_was_built": True})  # fmt: skip
    def static_images(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        return _static_images(context, warehouse)

    return static_images


def _static_images(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """PNG and SVG of every chart written by this build, rendered in one browser session (starting the
    browser costs seconds; once per build, not once per chart). Skipped with `build --no-images`."""
    paths = warehouse.paths()
    written = render_pending(paths.charts_dir, paths.assets_dir) if warehouse.static_images else {}
    context.log.info(f"{len(written)} charts rendered to PNG and SVG")
    return dg.MaterializeResult(metadata={"charts": dg.MetadataValue.json(written), "rendered": len(written)})

"""Assets whose checks run in the asset's own step, and chains of assets that run as one step.

A source or curated module declares an asset with `asset(...)` (the options of `dg.asset`) and its checks with
`pipelines.lib.checks.recorded_check`. When the code location is assembled (`build`), each declared asset becomes
one Dagster asset whose `check_specs` are its checks: they are evaluated in the asset's step, right after it
materialises, instead of one step per check. `one_step(raw, staging)` makes a chain (a source's raw load and its
staging model) one multi-asset: one step, still two assets in the graph, each selectable on its own.
"""

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import dagster as dg

from pipelines.lib.checks import Check
from pipelines.lib.warehouse import Warehouse

Compute = Callable[..., dg.MaterializeResult]


@dataclass
class Declared:
    """An asset declared with `asset(...)`: its `dg.asset` options and its function, built with its checks by
    `build`."""

    options: dict
    compute: Compute
    key: dg.AssetKey = field(init=False)

    def __post_init__(self) -> None:
        self.key = dg.AssetKey.from_coercible(self.options["key"])

    @property
    def keys(self) -> list[dg.AssetKey]:
        return [self.key]

    def spec(self) -> dg.AssetSpec:
        options = {k: v for k, v in self.options.items() if k not in ("key", "group_name")}
        options.setdefault("description", inspect.getdoc(self.compute))
        return dg.AssetSpec(self.key, group_name=self.options.get("group_name"), **options)

    def run(self, context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        wanted = inspect.signature(self.compute).parameters
        arguments = {"context": context, "warehouse": warehouse}
        return self.compute(**{name: arguments[name] for name in wanted})


def asset(**options: object) -> Callable[[Compute], Declared]:
    """`@dg.asset(...)` whose checks (declared with `recorded_check` on its key) run in its own step. The function
    takes `warehouse` and optionally `context`, and returns the asset's `dg.MaterializeResult`."""

    def decorate(compute: Compute) -> Declared:
        return Declared(dict(options), compute)

    return decorate


@dataclass
class OneStep:
    """Assets run one after another in one step (`one_step`)."""

    parts: tuple[Declared, ...]

    @property
    def keys(self) -> list[dg.AssetKey]:
        return [part.key for part in self.parts]


def one_step(*parts: Declared) -> OneStep:
    """A chain of declared assets, each downstream of the one before, as one multi-asset: one step instead of one
    per asset and check. Each part stays an asset of its own (selectable alone: it then reads what its
    upstream part last built)."""
    return OneStep(parts)


def _evaluate(
    checks: list[Check], context: dg.AssetExecutionContext, warehouse: Warehouse
) -> Iterator[dg.AssetCheckResult | Exception]:
    """Each selected check's result; a check that raises is reported failed (its exception as description) and
    the exception yielded after the results, so the others still run and the step fails with the real error."""
    selected = context.selected_asset_check_keys
    raised = []
    for check in checks:
        if check.key not in selected:
            continue
        try:
            yield check.evaluate(context, warehouse)
        except Exception as exc:  # recorded by Check.evaluate; the step fails below with it
            raised.append(exc)
            yield dg.AssetCheckResult(
                asset_key=check.key.asset_key,
                check_name=check.key.name,
                passed=False,
                description=f"the check raised {type(exc).__name__}: {exc}"[:600],
            )
    yield from raised


def _steps(
    parts: tuple[Declared, ...], checks: dict[dg.AssetKey, list[Check]]
) -> Callable[[dg.AssetExecutionContext], Iterator]:
    def run(context: dg.AssetExecutionContext) -> Iterator:
        warehouse = context.resources.warehouse
        selected = context.selected_asset_keys
        for part in parts:
            if part.key not in selected:
                continue
            result = part.run(context, warehouse) or dg.MaterializeResult()
            yield dg.MaterializeResult(
                asset_key=part.key,
                metadata=result.metadata,
                data_version=result.data_version,
                tags=result.tags,
            )
            failures: list[Exception] = []
            for outcome in _evaluate(checks.get(part.key, []), context, warehouse):
                if isinstance(outcome, Exception):
                    failures.append(outcome)
                else:
                    yield outcome
            if failures:
                raise failures[0]

    return run


def _checks_by_asset(checks: list[Check], keys: set[dg.AssetKey]) -> dict[dg.AssetKey, list[Check]]:
    found: dict[dg.AssetKey, list[Check]] = {}
    for check in checks:
        if check.key.asset_key not in keys:
            raise ValueError(
                f"check {check.key.name} targets {check.key.asset_key.to_user_string()}, which is not declared "
                "with pipelines.lib.steps.asset"
            )
        found.setdefault(check.key.asset_key, []).append(check)
    return found


def build(
    declared: list[Declared | OneStep | dg.AssetsDefinition], checks: list[Check]
) -> list[dg.AssetsDefinition]:
    """The Dagster assets of `declared`: each `asset(...)` with its checks as `check_specs`, each `one_step(...)`
    as one multi-asset with its parts' checks, Dagster definitions as they are."""
    keys = {k for item in declared if not isinstance(item, dg.AssetsDefinition) for k in item.keys}
    by_asset = _checks_by_asset(checks, keys)
    built = []
    for item in declared:
        if isinstance(item, dg.AssetsDefinition):
            built.append(item)
            continue
        parts = item.parts if isinstance(item, OneStep) else (item,)
        specs = [check.spec for part in parts for check in by_asset.get(part.key, [])]
        name = "__".join(parts[-1].key.path)  # the step's name: that of its last asset
        built.append(
            dg.multi_asset(
                name=name,
                specs=[part.spec() for part in parts],
                check_specs=specs or None,
                can_subset=len(parts) > 1,
                required_resource_keys={"warehouse"},
            )(_steps(parts, by_asset))
        )
    return built

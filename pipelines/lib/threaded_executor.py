"""Runs a build's steps on a few threads of one process.

Dagster's in-process executor runs one step at a time, so one core does all the work; its multiprocess executor
starts a Python process per step (seconds each on two cores, more than most steps take). Much of a build's work
runs outside the interpreter lock (DuckDB's SQL, SQLite writes of Dagster's events, Chromium rendering images, the
xlsx parser), so two steps on two threads overlap it with the Python of another step.

The loop is Dagster's own in-process loop (`inner_plan_execution_iterator`) with the step bodies moved to worker
threads: Dagster's step state machine (`ActiveExecution`), hooks, skips and failures are handled on the calling
thread in the order events arrive, exactly as in-process; only the step's own event sequence (which stores its
events as it goes) runs on a worker. What must not run on two threads at once holds a lock of its own: the GX
suites (`gx_runner.run_suite`), the headless browser (`chart_static`), creating the schemas and bookkeeping
tables that several steps share (`sql.CREATING`). The threads share one interpreter lock: the work that needs
nothing of the build but its inputs (the suites, the GLOTIP workbook reads, the static images) runs in a
helper process on the other core (`helper_process`).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from contextlib import ExitStack

import dagster as dg
from dagster import _check as check
from dagster._core.errors import DagsterExecutionInterruptedError
from dagster._core.events import DagsterEvent, EngineEventData
from dagster._core.execution.api import ExecuteRunWithPlanIterable
from dagster._core.execution.compute_logs import create_compute_log_file_key
from dagster._core.execution.context.system import PlanExecutionContext, PlanOrchestrationContext
from dagster._core.execution.context_creation_job import PlanExecutionContextManager
from dagster._core.execution.plan.execute_plan import _trigger_hook, dagster_event_sequence_for_step
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._core.execution.plan.plan import ExecutionPlan
from dagster._core.execution.retries import RetryMode
from dagster._core.executor.base import Executor

THREADS_ENV = "MIGRATION_BUILD_THREADS"
POLL_SECONDS = 0.2  # how often the loop looks for an interrupt while steps run
_DONE = object()


def build_threads() -> int:
    """Worker threads of a build: $MIGRATION_BUILD_THREADS, else the cores available (at most 4)."""
    raw = os.environ.get(THREADS_ENV)
    if raw is None:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise SystemExit(f"{THREADS_ENV}={raw!r} is not a number of threads (1 or more)")
    return value


def _step_worker(step_context, out: queue.Queue) -> None:  # noqa: ANN001
    """Runs one step's event sequence, handing each event to the calling thread; errors outside the step's own
    (Dagster's framework errors, which the in-process loop would raise) are handed over to be raised there."""
    key = step_context.step.key
    try:
        for event in dagster_event_sequence_for_step(step_context):
            out.put((key, event))
    except BaseException as error:  # noqa: BLE001 - raised again on the calling thread
        out.put((key, error))
    finally:
        out.put((key, _DONE))


def threaded_plan_iterator(
    job_context: PlanExecutionContext,
    execution_plan: ExecutionPlan,
    instance_concurrency_context: InstanceConcurrencyContext | None = None,
    threads: int = 2,
) -> Iterator[DagsterEvent]:
    compute_log_manager = job_context.instance.compute_log_manager
    step_keys = [step.key for step in execution_plan.get_steps_to_execute_in_topo_order()]
    with execution_plan.start(
        retry_mode=job_context.retry_mode,
        instance_concurrency_context=instance_concurrency_context,
        step_dependency_config=job_context.step_dependency_config,
    ) as active_execution:
        with ExitStack() as capture_stack:
            file_key = create_compute_log_file_key()
            log_key = compute_log_manager.build_log_key_for_run(job_context.run_id, file_key)
            log_context = capture_stack.enter_context(compute_log_manager.capture_logs(log_key))
            yield DagsterEvent.capture_logs(job_context, step_keys, log_key, log_context)

            events: queue.Queue = queue.Queue()
            running: dict[str, tuple[object, list[DagsterEvent], threading.Thread]] = {}
            interrupted = False
            try:
                yield from _steps(job_context, active_execution, events, running, threads)
            except (KeyboardInterrupt, DagsterExecutionInterruptedError):
                interrupted = True  # the run ends now; steps still running end with the process
                raise
            finally:
                if not interrupted:  # no step keeps writing after its run has ended
                    for _context, _events, worker in list(running.values()):
                        worker.join()
            capture_stack.close()


def _steps(
    job_context: PlanExecutionContext,
    active_execution,  # noqa: ANN001 - Dagster's ActiveExecution
    events: queue.Queue,
    running: dict[str, tuple[object, list[DagsterEvent], threading.Thread]],
    threads: int,
) -> Iterator[DagsterEvent]:
    """Dagster's in-process step loop with each step's body on a worker thread, at most `threads` at once."""
    while not active_execution.is_complete:
        yield from active_execution.concurrency_event_iterator(job_context)
        while len(running) < threads:
            step = active_execution.get_next_step()
            if step is None:
                break
            step_context = job_context.for_step(step, active_execution.get_known_state())
            worker = threading.Thread(
                target=_step_worker, args=(step_context, events), name=f"step {step.key}", daemon=True
            )
            running[step.key] = (step_context, [], worker)
            worker.start()
        if not running:
            active_execution.sleep_til_ready()
            continue
        try:
            key, item = events.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if active_execution.check_for_interrupts():  # Ctrl-C: Dagster holds the signal until asked
                active_execution.mark_interrupted()
                raise DagsterExecutionInterruptedError(
                    f"interrupted while {len(running)} step(s) were running: {', '.join(sorted(running))}"
                ) from None
            continue
        step_context, step_events, _worker = running[key]
        if item is _DONE:
            del running[key]
            active_execution.verify_complete(job_context, key)
            for event in active_execution.plan_events_iterator(job_context):
                step_events.append(event)
                yield event
            yield from _trigger_hook(step_context, step_events)
        elif isinstance(item, BaseException):
            raise item
        else:
            event = check.inst(item, DagsterEvent)
            step_events.append(event)
            yield event
            active_execution.handle_event(event)


class ThreadedExecutor(Executor):
    def __init__(self, threads: int) -> None:
        self._threads = threads
        self._retries = RetryMode.ENABLED

    @property
    def retries(self) -> RetryMode:
        return self._retries

    def execute(
        self, plan_context: PlanOrchestrationContext, execution_plan: ExecutionPlan
    ) -> Iterator[DagsterEvent]:
        threads = self._threads

        def iterator(job_context, execution_plan):  # noqa: ANN001, ANN202
            with InstanceConcurrencyContext(job_context.instance, job_context.dagster_run) as concurrency:
                yield from threaded_plan_iterator(job_context, execution_plan, concurrency, threads)

        yield DagsterEvent.engine_event(
            plan_context,
            f"Executing steps on {threads} threads in process (pid: {os.getpid()})",
            event_specific_data=EngineEventData.in_process(os.getpid(), execution_plan.step_keys_to_execute),
        )
        yield from iter(
            ExecuteRunWithPlanIterable(
                execution_plan=plan_context.execution_plan,
                iterator=iterator,
                execution_context_manager=PlanExecutionContextManager(
                    job=plan_context.job,
                    retry_mode=plan_context.retry_mode,
                    execution_plan=plan_context.execution_plan,
                    run_config=plan_context.run_config,
                    dagster_run=plan_context.dagster_run,
                    instance=plan_context.instance,
                    raise_on_error=plan_context.raise_on_error,
                    output_capture=plan_context.output_capture,
                ),
            )
        )


@dg.executor(name="threaded_executor")
def threaded_executor(_init_context) -> ThreadedExecutor:  # noqa: ANN001
    """Steps on $MIGRATION_BUILD_THREADS threads of the run's process (default: the cores available, at most 4)."""
    return ThreadedExecutor(build_threads())


def execute_threaded(
    job: dg.JobDefinition, *, run_config: dict, instance: dg.DagsterInstance, tags: dict[str, str] | None
) -> dg.ExecuteInProcessResult:
    """`job.execute_in_process(...)` (never raising on a step's error), its steps run by the threaded executor."""
    from dagster._core.definitions.job_base import InMemoryJob
    from dagster._core.execution.execute_in_process import core_execute_in_process, merge_run_tags

    ephemeral = job.as_ephemeral_job(resource_defs={}, input_values={}).with_executor_def(threaded_executor)
    return core_execute_in_process(
        job=InMemoryJob(job_def=ephemeral),
        run_config=run_config,
        instance=instance,
        output_capturing_enabled=True,
        raise_on_error=False,
        run_tags=merge_run_tags(
            job_def=job,
            partition_key=None,
            tags=tags,
            asset_selection=[],
            instance=instance,
            run_config=run_config,
        ),
        asset_selection=frozenset(),
    )

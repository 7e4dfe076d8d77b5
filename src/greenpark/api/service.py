"""The running service: settings, store, service tables, ingestion, alerts and background workers.

One :class:`Service` lives on ``app.state.service``. No lock is held around the store: the
store serves threads itself (a pool of PostgreSQL connections; a DuckDB cursor per thread with
one writer at a time), so a slow or locked table stalls only the requests that need it, and
``/health`` never waits for the database. Each ingestion batch is one transaction
(:meth:`greenpark.store.base.Store.write_batch`).

Caches: aggregates per local month and engine results per (park, year, engine), each dropped when
a reading of its period arrives (:meth:`Service.touched`). Concurrent callers of one missing entry
wait for a single computation (single-flight), so 20 dashboards opening at once compute the year's
inventory once, not 20 times.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd

from greenpark.api.accounts import Accounts, LoginLimiter
from greenpark.api.servicedb import service_db_for
from greenpark.errors import GreenparkError, ParkNotFoundError, StoreError
from greenpark.ingest.alerts import AlertBook, WebhookPusher
from greenpark.ingest.mqtt import MqttIngestor, MqttOptions
from greenpark.ingest.pipeline import Ingestor, RejectBudget
from greenpark.ingest.rules import default_rules
from greenpark.ingest.sequences import SequenceBook
from greenpark.ingest.validate import TimeWindow
from greenpark.model import ParkData
from greenpark.settings import Settings
from greenpark.store import duckdb_path
from greenpark.store.base import Store, StoreOptions

log = logging.getLogger(__name__)
T = TypeVar("T")

_FEW_ROWS = 64  # batches up to this many readings mark their stale months in plain Python (a speed choice)


def store_options(settings: Settings) -> StoreOptions:
    """How the service's store uses its connections: pool, timeouts and retries from the ``GREENPARK_STORE_*``
    settings."""
    return StoreOptions(
        pool_min=settings.store_pool_min,
        pool_max=settings.store_pool_max,
        pool_timeout_s=settings.store_pool_timeout_s,
        connect_timeout_s=settings.store_connect_timeout_s,
        statement_timeout_s=settings.store_statement_timeout_s,
        lock_timeout_s=settings.store_lock_timeout_s,
        retries=settings.store_retries,
        retry_backoff_s=settings.store_retry_backoff_s,
        application_name="greenpark-serve",
    )


@dataclass
class Startup:
    """What the service does after it listens and before it is ready (``/ready`` names it until it is done).

    ``stage``: ``"park"`` while a park is prepared (``serve --example``: generated, imported through the validated
    import, its WWTP episodes replayed through the live pipeline), ``"warm-up"`` while the dashboard's results are
    computed (``WARM_RESULTS``), None when done (``done`` is set then). ``failed``: why the preparation stopped.
    """

    work: bool = False  # whether there is anything to do after the start (else /ready does not list it)
    stage: str | None = None
    failed: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def preparing(self) -> bool:
        """True while the park is being prepared: pages say so instead of showing a half-imported park."""
        return self.stage == "park"

    def problem(self) -> str | None:
        """Why the service is not ready yet (None when it is)."""
        if self.failed is not None:
            return f"the park's preparation failed: {self.failed}"
        if self.stage == "park":
            return "the park is being prepared (generated, imported and its WWTP episodes replayed)"
        if self.stage == "warm-up":
            return "the dashboard's results are being computed (warm-up)"
        return None if self.done.is_set() else "starting"


@dataclass
class Flight:
    """One computation in progress that other callers of the same key wait for (single-flight)."""

    done: threading.Event = field(default_factory=threading.Event)
    waiters: int = 0  # callers waiting for it (besides the one computing)
    value: Any = None
    error: BaseException | None = None


class Service:
    """Everything a request needs, built once at start-up."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.db = service_db_for(store)
        self.accounts = Accounts(
            self.db,
            scrypt_n=settings.scrypt_n,
            session_hours=settings.session_hours,
            password_min_length=settings.password_min_length,
            token_days=settings.token_days,
            token_max_days=settings.token_max_days,
            tokens_per_user=settings.tokens_per_user,
        )
        self.limiter = LoginLimiter(settings.login_max_attempts, settings.login_window_s, settings.login_max_keys)
        # many usernames tried from one address (credential stuffing)
        self.client_limiter = LoginLimiter(
            settings.login_max_attempts_per_client, settings.login_window_s, settings.login_max_keys
        )
        self.alerts = AlertBook(self.db)
        self._parks: dict[str, ParkData] = {}
        self._versions: defaultdict[tuple[str, str], int] = defaultdict(int)
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._latest: dict[tuple[Any, ...], Any] = {}
        # engine results live apart from the aggregates: a burst of per-tenant hourly chunks must not evict the
        # year's inventory and make every page recompute it in the background
        self._results: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._refreshing: set[tuple[Any, ...]] = set()
        # a background computation that failed on the data (not on the store), by its fresh key: answered again
        # until the readings change, so a page shows why instead of "computing" for ever
        self._failures: dict[tuple[Any, ...], GreenparkError] = {}
        self._refreshed_at: dict[tuple[Any, ...], float] = {}  # monotonic start of each key's last background refresh
        # background recomputes that run at once (the others wait, asleep): engines hold the GIL for seconds, and
        # a recompute per tenant page viewed took the interpreter from the requests (issue 16, item 7)
        self._recompute_slots = threading.BoundedSemaphore(settings.background_recomputes)
        self.flights: dict[tuple[Any, ...], Flight] = {}  # computations in progress (any thread), by cache key
        self.stopping = threading.Event()
        self.startup = Startup()  # the work after the start: create_api's lifespan runs it
        self.ingestor = Ingestor(
            store,
            self.park,
            self.alerts,
            default_rules(),
            on_write=self.touched,
            water_window=dt.timedelta(hours=settings.water_alert_window_h),
            time_window=TimeWindow(
                earliest=dt.datetime.combine(settings.ingest_earliest, dt.time(), dt.UTC),
                ahead=dt.timedelta(hours=settings.ingest_max_ahead_h),
            ),
            reject_budget=RejectBudget(settings.quarantine_rows_per_sender, settings.quarantine_window_s),
        )
        self.mqtt: MqttIngestor | None = None
        self.webhook: WebhookPusher | None = None

    # parks (static data cached; readings always come from the store) ---------------------
    def park(self, park_id: str) -> ParkData:
        """A park's objects and tables; raises ParkNotFoundError."""
        data = self._parks.get(park_id)
        if data is None:
            data = self._parks[park_id] = self.single_flight(("park", park_id), lambda: self.store.load_park(park_id))
        return data

    def park_ids(self) -> list[str]:
        """Ids of the parks in the store."""
        return self.store.park_ids()

    def has_park(self, park_id: str) -> bool:
        """Whether the store holds this park."""
        try:
            self.park(park_id)
        except ParkNotFoundError:
            return False
        return True

    def forget_park(self, park_id: str) -> None:
        """Drop everything cached about a park (its data, aggregates and results): it was imported again."""
        with self._cache_lock:
            self._parks.pop(park_id, None)
            for table in (self._cache, self._results, self._latest, self._failures):
                for k in [k for k in table if k[0] == park_id]:
                    del table[k]

    # read cache: results of store aggregations, dropped when the park's data changes -----
    def touched(self, park_id: str, readings: pd.DataFrame) -> None:
        """Record that readings of a park changed: cached aggregates of their local months are stale."""
        zone = self.park(park_id).park.timezone
        ts = readings["ts"]
        if not isinstance(ts.dtype, pd.DatetimeTZDtype):  # already tz-aware: no conversion (about 1 ms)
            ts = pd.to_datetime(ts, utc=True)
        if len(ts) <= _FEW_ROWS:  # a small batch: its distinct months without pandas' vectorised round trip (~1 ms)
            tz = ZoneInfo(zone)
            months = {t.astimezone(tz).strftime("%Y-%m") for t in set(ts.tolist())}
        else:
            months = ts.dt.tz_convert(zone).dt.strftime("%Y-%m").unique()
        with self._cache_lock:
            for m in months:
                self._versions[(park_id, str(m))] += 1
            self._versions[(park_id, "*")] += 1  # whole-history answers (data years)

    def cached_month(self, park_id: str, month: str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()``, or its cached result while the park's readings of local ``month`` (YYYY-MM) are unchanged."""
        size = self.settings.read_cache_entries
        if size <= 0:
            return compute()
        with self._cache_lock:
            k = (park_id, month, self._versions[(park_id, month)], *key)
            if k in self._cache:
                self._cache.move_to_end(k)
                return self._cache[k]  # type: ignore[no-any-return]

        def fill() -> T:
            value = compute()
            with self._cache_lock:
                self._cache[k] = value
                while len(self._cache) > size:
                    self._cache.popitem(last=False)
            return value

        return self.single_flight(("month", *k), fill)

    def single_flight(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()`` once for all callers that ask for ``key`` while it runs: the others wait for its result
        (or its exception) instead of computing the same thing again."""
        with self._cache_lock:
            flight = self.flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self.flights[key] = Flight()
            else:
                flight.waiters += 1
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value  # type: ignore[no-any-return]
        try:
            flight.value = compute()
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._cache_lock:
                self.flights.pop(key, None)
            flight.done.set()
        return flight.value  # type: ignore[no-any-return]

    def cached_park(self, park_id: str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()``, or its cached result while no reading of the park changed (whole-history answers)."""
        return self.cached_month(park_id, "*", key, compute)  # "*": the version bumped by every reading

    def cached_span(self, park_id: str, months: list[str], key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()``, or its cached result while no reading of the local ``months`` (YYYY-MM) changed.

        For answers over a range of days that crosses months (e.g. the meters' gaps of the last 30 days).
        """
        with self._cache_lock:
            stamp = tuple((m, self._versions[(park_id, m)]) for m in months)
        return self.cached_month(park_id, months[-1] if months else "-", (stamp, *key), compute)

    def cached_year_if_ready(
        self,
        park_id: str,
        zone: str,
        year: int,
        key: tuple[Any, ...],
        compute: Callable[[], T],
        also_years: tuple[int, ...] = (),
    ) -> T | None:
        """The cached (or last, while it is recomputed) result of :meth:`cached_year`, without waiting for it.

        When no result exists yet, ``compute()`` starts in a background thread and None is answered: a page
        shows the figure as pending instead of waiting seconds for a cold engine. When that computation failed on
        the park's data (a :class:`GreenparkError` other than a store failure, e.g. no wastewater records for the
        year), its error is raised to every later caller until the readings change.
        """
        with self._cache_lock:
            fresh = self._year_key(park_id, year, also_years, key)
            failed = self._failures.get(fresh)
            value = self._results.get(fresh)
            last = self._latest.get((park_id, year, key))
            computing = ("year", park_id, year, *key) in self.flights
        if failed is not None:
            raise failed
        if value is not None:
            return value  # type: ignore[no-any-return]
        if self.settings.read_cache_entries <= 0:
            return compute()  # no cache: nothing to wait for in the background
        if last is not None and self.settings.serve_stale_results:
            return self.cached_year(park_id, zone, year, key, compute, also_years)  # answers ``last``, recomputes
        if computing:  # the warm-up or another request is computing it
            return None

        def attempt() -> T:
            try:
                return self.cached_year(park_id, zone, year, key, compute, also_years)
            except GreenparkError as exc:
                if not isinstance(exc, StoreError):  # the store's failures are retried by the next caller
                    with self._cache_lock:
                        self._failures[fresh] = exc
                        while len(self._failures) > max(self.settings.read_cache_entries, 1):
                            del self._failures[next(iter(self._failures))]
                raise

        self._refresh_in_background((park_id, year, key), attempt)
        return None

    def _year_key(self, park_id: str, year: int, also_years: tuple[int, ...], key: tuple[Any, ...]) -> tuple[Any, ...]:
        """The cache key of a result on ``year`` (and ``also_years``): it changes with any of their readings."""
        stamp = tuple(self._versions[(park_id, f"{y}-{m:02d}")] for y in (year, *also_years) for m in range(1, 13))
        years = tuple(self._versions[(park_id, f"{y}")] for y in (year, *also_years))
        return (park_id, f"{year}", years, stamp, *key)

    def cached_year(
        self,
        park_id: str,
        zone: str,
        year: int,
        key: tuple[Any, ...],
        compute: Callable[[], T],
        also_years: tuple[int, ...] = (),
    ) -> T:
        """``compute()``, or its cached result while no reading of the park's local ``year`` (nor of
        ``also_years``: the other years the result reads) changed.

        With ``serve_stale_results``, once a result exists, new readings do not make callers wait for
        the engine: the last result is answered while a background thread recomputes it.
        """
        with self._cache_lock:
            fresh = self._year_key(park_id, year, also_years, key)
            if fresh in self._results:
                self._results.move_to_end(fresh)
                return self._results[fresh]  # type: ignore[no-any-return]
            last = self._latest.get((park_id, year, key))

        def fill() -> T:
            value = compute()
            with self._cache_lock:
                self._latest[(park_id, year, key)] = value
                if self.settings.read_cache_entries > 0:
                    self._results[fresh] = value
                    while len(self._results) > self.settings.read_cache_entries:
                        self._results.popitem(last=False)
            return value

        def refresh() -> T:
            # one computation per (park, year, engine): a caller arriving while it runs takes its result
            return self.single_flight(("year", park_id, year, *key), fill)

        if last is not None and self.settings.serve_stale_results and self.settings.read_cache_entries:
            self._refresh_in_background((park_id, year, key), refresh)
            return last  # type: ignore[no-any-return]
        return refresh()

    def _refresh_in_background(self, key: tuple[Any, ...], refresh: Callable[[], Any]) -> None:
        """Recompute a stale result in a background thread: one at a time per key, at most
        ``background_recomputes`` keys at once, and a key's next recompute starts no sooner than
        ``stale_recompute_min_s`` after its last one started (it waits, the stale result is answered meanwhile).
        Under continuous ingestion every batch makes the year's results stale; without these bounds the engines
        ran back to back, side by side, and took the CPU from the requests (issue 16, item 7)."""
        with self._cache_lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)
            last = self._refreshed_at.get(key)
        delay_s = 0.0 if last is None else last + self.settings.stale_recompute_min_s - time.monotonic()

        def run() -> None:
            try:
                if delay_s > 0:
                    self.stopping.wait(delay_s)
                while not self._recompute_slots.acquire(timeout=0.5):
                    if self.stopping.is_set():
                        return
                try:
                    with self._cache_lock:
                        self._refreshed_at[key] = time.monotonic()
                    if not self.stopping.is_set():
                        refresh()
                finally:
                    self._recompute_slots.release()
            except Exception:  # the stale result stays; the next request tries again
                if not self.stopping.is_set():
                    log.exception("background recompute of %s failed", key)
            finally:
                with self._cache_lock:
                    self._refreshing.discard(key)

        threading.Thread(target=run, name="greenpark-refresh", daemon=True).start()

    # life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        """Create the first operator on an empty store, start MQTT and the webhook pusher."""
        s = self.settings
        if self.accounts.bootstrap(s.admin_username, s.admin_password):
            log.info("created the first operator %r (password from GREENPARK_ADMIN_PASSWORD)", s.admin_username)
        if s.webhook_url:
            self.webhook = WebhookPusher(
                self.alerts, s.webhook_url, timeout_s=s.webhook_timeout_s, retry_s=s.webhook_retry_s
            )
            self.webhook.start()
        if s.mqtt_enabled:
            self.mqtt = MqttIngestor(
                lambda park_id, rows, source: self.ingestor.ingest(park_id, rows, source),
                self.ingestor.quarantine,
                mqtt_options(s),
                write_wastewater=lambda park_id, rows, source: self.ingestor.ingest_wastewater(park_id, rows, source),
                sequences=SequenceBook(
                    self.db, self.alerts, dt.timedelta(seconds=s.mqtt_seq_grace_s), tenant_of=self._tenant_of
                ),
                alerts=self.alerts,
                park_ids=self.park_ids,
            )
            self.mqtt.start()

    def _tenant_of(self, park_id: str, device: str) -> str | None:
        """The tenant of a meter (an alert about it is the tenant's too), or None."""
        meter = next((m for m in self.park(park_id).meters if m.meter_id == device), None)
        return meter.tenant_id if meter is not None else None

    def readiness(self) -> dict[str, str | None]:
        """What the service depends on and whether it answers: ``store`` (a cheap query) and, when MQTT is
        configured, ``mqtt`` (connected to the broker), and while there is work after the start (a park prepared,
        the warm-up), ``startup``. Each is None when fine, else why not."""
        out: dict[str, str | None] = {}
        if self.startup.work:
            out["startup"] = self.startup.problem()
        try:
            self.store.ping()
            out["store"] = None
        except Exception as exc:  # any failure means "not ready"; the reason is shown, the service stays up
            out["store"] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        if self.settings.mqtt_enabled:
            mqtt = self.mqtt
            connected = mqtt is not None and mqtt.client.is_connected()
            broker = f"{self.settings.mqtt_host}:{self.settings.mqtt_port}"
            out["mqtt"] = None if connected else f"not connected to the MQTT broker at {broker}"
        return out

    def stop(self) -> None:
        """Stop the workers (MQTT first: it writes and acknowledges what it holds)."""
        self.stopping.set()  # background computations stop reading the store before it is closed
        if self.mqtt is not None:
            self.mqtt.stop()
        if self.webhook is not None:
            self.webhook.stop()
        self.db.close()


def mqtt_spool_folder(settings: Settings) -> Path:
    """Where the MQTT spool lives: ``settings.mqtt_spool_dir``, else beside the store (as the reports)."""
    if settings.mqtt_spool_dir is not None:
        return Path(settings.mqtt_spool_dir)
    url = settings.store_url
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return Path(".greenpark") / "mqtt-spool"
    path = duckdb_path(url)
    if path in ("", ":memory:"):  # the data vanishes with the process: so may its spool
        return Path(tempfile.mkdtemp(prefix="greenpark-mqtt-spool-"))
    return Path(path).parent / "mqtt-spool"


def mqtt_options(s: Settings) -> MqttOptions:
    """The MQTT ingestor's options from the service settings."""
    return MqttOptions(
        host=s.mqtt_host,
        port=s.mqtt_port,
        prefix=s.mqtt_topic_prefix,
        spool_dir=mqtt_spool_folder(s),
        client_id_base=s.mqtt_client_id or "",
        share_group=s.mqtt_share_group,
        session_expiry_s=s.mqtt_session_expiry_s,
        keepalive_s=s.mqtt_keepalive_s,
        username=s.mqtt_username,
        password=s.mqtt_password,
        tls=s.mqtt_tls,
        tls_ca_file=s.mqtt_tls_ca_file,
        spool_max_bytes=s.mqtt_spool_max_bytes,
        batch_max=s.mqtt_batch_max,
        batch_wait_s=s.mqtt_batch_wait_s,
        retry_min_s=s.mqtt_retry_min_s,
        retry_max_s=s.mqtt_retry_max_s,
        max_json_depth=s.ingest_max_json_depth,
        max_rows=s.ingest_max_rows,
        quarantine_chars=s.mqtt_quarantine_chars,
        seq_check_s=s.mqtt_seq_check_s,
        stop_drain_s=s.mqtt_stop_drain_s,
    )

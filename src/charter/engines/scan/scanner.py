"""The ``EvidenceScanner`` adapter: one engine connection, scans cached per source."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from charter.domain.scans import DecisionColumns, DriftSpec, ImpressionColumns
from charter.engines.scan.backends import EngineName, connect
from charter.engines.scan.classification import bootstrap_cells, confusion_cells
from charter.engines.scan.drift import drift_scan
from charter.engines.scan.exposure import exposure_tables
from charter.engines.scan.inputs import ScanSource, open_source
from charter.engines.scan.progress import ProgressReporter
from charter.engines.scan.record_dates import record_ages
from charter.engines.scan.reidentification import discover, reidentification
from charter.engines.scan.text_columns import table_text
from charter.metrics.cells import ConfusionCells
from charter.metrics.drift import DriftReport, ReferenceProfile
from charter.metrics.exposure import ExposureTables
from charter.metrics.record_ages import RecordAges
from charter.metrics.reidentification import Discovery, Reidentification
from charter.privacy.text_blocks import TableText

if TYPE_CHECKING:
    from ibis.backends import BaseBackend


class IbisScanner:
    """Scans through Ibis on DuckDB (default) or Spark. The connection opens on first use,
    so an audit without evidence scans never starts an engine."""

    def __init__(
        self, engine: EngineName | str = EngineName.DUCKDB, progress: ProgressReporter | None = None
    ) -> None:
        self._engine = EngineName(engine)
        self._progress = progress
        self._con: BaseBackend | None = None
        self._sources: dict[str, ScanSource] = {}
        self._cells: dict[tuple[str, DecisionColumns], ConfusionCells] = {}
        self._exposure: dict[tuple[str, ImpressionColumns, str | None], ExposureTables] = {}

    @property
    def engine(self) -> str:
        return str(self._engine)

    @property
    def connection(self) -> BaseBackend:
        if self._con is None:
            self._con = connect(self._engine)
        return self._con

    def open(self, source: str, *, as_text: bool = False) -> ScanSource:
        key = f"{source}\x00text" if as_text else source
        if key not in self._sources:
            self._sources[key] = open_source(self.connection, source, as_text=as_text)
        return self._sources[key]

    def close(self) -> None:
        """Close the connections opened for ``URL#table`` sources and the engine's own."""
        for opened in self._sources.values():
            opened.close()
        self._sources.clear()
        if self._con is not None and self._engine is EngineName.DUCKDB:
            self._con.disconnect()
        self._con = None

    def decision_cells(self, source: str, columns: DecisionColumns) -> ConfusionCells:
        key = (source, columns)
        if key not in self._cells:
            self._cells[key] = confusion_cells(self.open(source), columns, self._progress)
        return self._cells[key]

    def decision_bootstrap(
        self, source: str, columns: DecisionColumns, replicates: int
    ) -> list[ConfusionCells]:
        self.decision_cells(source, columns)  # validates columns and values first
        return bootstrap_cells(self.open(source), columns, replicates, self._progress)

    def exposure_tables(
        self, source: str, columns: ImpressionColumns, catalogue: str | None = None
    ) -> ExposureTables:
        key = (source, columns, catalogue)
        if key not in self._exposure:
            table = self.open(catalogue) if catalogue is not None else None
            self._exposure[key] = exposure_tables(
                self.open(source), columns, self._progress, catalogue=table
            )
        return self._exposure[key]

    def drift(
        self,
        current: str,
        spec: DriftSpec,
        reference: str | None = None,
        profile: ReferenceProfile | None = None,
    ) -> DriftReport:
        source = self.open(current)
        if reference is None and profile is None:
            reference = current
        baseline = self.open(reference) if reference is not None else None
        return drift_scan(baseline, source, spec, profile=profile, progress=self._progress)

    def reidentification(
        self,
        source: str,
        quasi_identifiers: tuple[str, ...],
        sensitive: tuple[str, ...] = (),
        *,
        k: int = 5,
        l_target: int = 2,
    ) -> Reidentification:
        return reidentification(
            self.open(source),
            quasi_identifiers,
            sensitive,
            k=k,
            l_target=l_target,
            progress=self._progress,
        )

    def discover_quasi_identifiers(
        self, source: str, *, k: int = 5, exclude: tuple[str, ...] = ()
    ) -> Discovery:
        return discover(self.open(source), k=k, exclude=exclude, progress=self._progress)

    def table_text(
        self, source: str, columns: tuple[str, ...] = (), sample_rows: int | None = 10_000
    ) -> TableText:
        """The text cells of a table for the PII detector (a random sample of rows, or
        every row when ``sample_rows`` is None)."""
        return table_text(self.open(source, as_text=True), columns, sample_rows=sample_rows)

    def record_ages(self, source: str, column: str, cutoff: date) -> RecordAges:
        return record_ages(self.open(source), column, cutoff, self._progress)

    def columns(self, source: str) -> tuple[str, ...]:
        return tuple(self.open(source).table.columns)

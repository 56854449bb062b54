"""The DuckDB engine: the `sql/` files as written, over the lake's Parquet files, in a scratch
database file (a build at 10M cases does not fit a small machine's memory in an in-memory one)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from analytics import db
from analytics.engines import translate

BATCH_ROWS = 122_880


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, work_dir: Path | None = None):
        self._dir = Path(tempfile.mkdtemp(prefix="duckdb-engine-", dir=work_dir))
        self.con = duckdb.connect(str(self._dir / "build.duckdb"))

    def register_parquet(self, name: str, files: list[Path], schema: pa.Schema) -> None:
        if files:
            # a relation over the file list (no path in SQL text), materialised as a view
            self.con.read_parquet([str(f) for f in files]).create_view(name, replace=True)
        else:
            self.register_arrow(name, schema.empty_table())

    def register_arrow(self, name: str, table: pa.Table, folder: Path | None = None) -> None:
        self.con.register(f"{name}__arrow", table)
        self.con.execute(f'create or replace table "{name}" as select * from "{name}__arrow"')
        self.con.unregister(f"{name}__arrow")

    def view(self, sql_name: str) -> None:
        db.run_sql(self.con, sql_name)

    def materialise(self, sql_name: str, params: dict, folder: Path, name: str | None = None) -> int:
        """Run a `create table` file as written (or a query file as table `name`); write its rows."""
        if name is None:
            name = translate.created_name(db.sql_text(sql_name), source=sql_name)
            db.run_sql(self.con, sql_name, **params)
        else:
            self.con.execute(f'create or replace table "{name}" as\n' + db.sql_text(sql_name),
                             params or None)
        return _write(self.con.sql(f'select * from "{name}"'), folder)

    def query_arrow(self, sql_name: str, params: dict | None = None) -> pa.Table:
        return db.query_arrow(self.con, sql_name, **(params or {}))

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self._dir, ignore_errors=True)


def _write(relation: duckdb.DuckDBPyRelation, folder: Path) -> int:
    """Stream a relation into folder/part-00000.parquet; returns its rows."""
    folder.mkdir(parents=True, exist_ok=True)
    reader = relation.to_arrow_reader(BATCH_ROWS) if hasattr(relation, "to_arrow_reader") \
        else relation.fetch_record_batch(BATCH_ROWS)
    rows = 0
    with pq.ParquetWriter(folder / "part-00000.parquet", reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch, row_group_size=BATCH_ROWS)
            rows += batch.num_rows
    return rows

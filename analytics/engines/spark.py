"""The Spark engine: the `sql/` files translated by SQLGlot (translate.py), run by Spark.

Local mode by default (`local[2]`, few shuffle partitions, a small driver: a laptop or a CI box),
or a cluster through Spark Connect (`sc://host:15002`). Both read the lake's Parquet files and
write each derived table as Parquet: with Spark Connect the lake path must be one the cluster and
the dashboard host both see (a shared file system or an object store mounted on both).
Timestamps are naive UTC as in DuckDB: the session time zone is UTC and Parquet's naive
timestamps are read as TIMESTAMP_NTZ.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analytics import db
from analytics.engines import translate

LOCAL_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "1g",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "true",
    # coalesce a shuffle's partitions to ~64 MB each (the advisory size), not to as many as there
    # are cores: a 2-core box then runs one task of a small aggregate, not four tiny ones
    "spark.sql.adaptive.coalescePartitions.parallelismFirst": "false",
}
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
}


def session(url: str | None = None, master: str = "local[2]", conf: dict | None = None):
    """A SparkSession: Spark Connect at `url`, else local mode with small settings."""
    from pyspark.sql import SparkSession
    if url:
        spark = SparkSession.builder.remote(url).getOrCreate()
    else:
        os.environ.setdefault("PYSPARK_PYTHON", os.environ.get("PYTHON", "python3"))
        builder = SparkSession.builder.master(master).appName("escalation-radar-build")
        for key, value in {**LOCAL_CONF, **SESSION_CONF, **(conf or {})}.items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
    for key, value in SESSION_CONF.items():
        spark.conf.set(key, value)
    return spark


def written_rows(folder: Path) -> int:
    """The rows of the Parquet files Spark wrote into folder (their footers; `_SUCCESS` and
    `.crc` files are not Parquet). The folder is one the driver sees: the local disk, or with
    Spark Connect the shared lake path (the module docstring)."""
    return sum(pq.ParquetFile(part).metadata.num_rows for part in Path(folder).glob("*.parquet")
               if not part.name.startswith((".", "_")))


class SparkEngine:
    name = "spark"

    def __init__(self, url: str | None = None, spark=None, master: str = "local[2]",
                 conf: dict | None = None):
        self.spark = spark or session(url, master, conf)
        self._owned = spark is None
        self._empty_dir = tempfile.mkdtemp(prefix="spark-engine-")
        self._local = url is None

    def register_parquet(self, name: str, files: list[Path], schema: pa.Schema) -> None:
        if not files:   # e.g. no reviews: an empty file of the table's columns
            folder = Path(self._empty_dir) / name
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(schema.empty_table(), folder / "part-00000.parquet")
            files = [folder / "part-00000.parquet"]
        self.spark.read.parquet(*[str(f) for f in files]).select(*schema.names) \
            .createOrReplaceTempView(name)

    def register_arrow(self, name: str, table: pa.Table, folder: Path) -> None:
        """Through a Parquet file, not createDataFrame: a local relation of the calendar's 250k
        business-clock rows kept Spark's optimizer busy for minutes (ConvertToLocalRelation on the
        driver), and a cluster reads files anyway."""
        folder.mkdir(parents=True, exist_ok=True)
        # Spark has no TIME type (working hours' start/end): as 'HH:MM:SS' text
        table = table.cast(pa.schema([pa.field(f.name, pa.string()) if pa.types.is_time(f.type)
                                      else f for f in table.schema]))
        pq.write_table(table, folder / "part-00000.parquet")
        self.spark.read.parquet(str(folder)).createOrReplaceTempView(name)

    def _sql(self, sql_name: str, statement: translate.Statement, params: dict | None = None):
        """spark.sql on a translated file; a refusal names the file and shows the query text."""
        from pyspark.errors import PySparkException
        try:
            return self.spark.sql(statement.query, args=params or None)
        except PySparkException as error:
            raise translate.TranslationError(
                f"sql/{sql_name}.sql: Spark refused its translation: {error}\n"
                f"--- translated query ---\n{statement.query}") from error

    def _label(self, name: str) -> None:
        """Name the jobs that follow after the table (bench/spark_build.py reads stage times and
        shuffle bytes per table from the event log); local mode only."""
        context = getattr(self.spark, "sparkContext", None) if getattr(self, "_local", False) else None
        if context is not None:
            context.setJobGroup(name, f"materialise {name}")

    def view(self, sql_name: str) -> None:
        statement = translate.split(db.sql_text(sql_name), source=sql_name)
        self._sql(sql_name, statement).createOrReplaceTempView(statement.name)

    def materialise(self, sql_name: str, params: dict, folder: Path, name: str | None = None) -> int:
        """Run the file's query, write it to folder as Parquet, and read it back as the table."""
        statement = translate.split(db.sql_text(sql_name), source=sql_name)
        name = name or statement.name
        self._label(name)
        frame = self._sql(sql_name, statement, params)
        frame.write.mode("overwrite").parquet(str(folder))
        # read back with the schema it was written with and counted from the files' footers: no
        # schema-inference job and no count job per table (3 of a small table's ~7 jobs)
        self.spark.read.schema(frame.schema).parquet(str(folder)).createOrReplaceTempView(name)
        return written_rows(folder)

    def query_arrow(self, sql_name: str, params: dict | None = None) -> pa.Table:
        statement = translate.split(db.sql_text(sql_name), source=sql_name)
        return self._sql(sql_name, statement, params).toArrow()

    def close(self) -> None:
        shutil.rmtree(self._empty_dir, ignore_errors=True)
        if self._owned:
            self.spark.stop()

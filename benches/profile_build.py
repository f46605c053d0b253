#!/usr/bin/env python3
"""Replay the build's SQL statement by statement and time (or profile) each.

`top10 build` records only stage times in its manifest. To see where a stage
spends its time, this script runs the same queries/*.sql, in the same order and
with the same DuckDB settings, in DuckDB's Python client (pip install
duckdb==2.0.0 numpy; 2.0.0 is the DuckDB the binary bundles), printing each
statement's wall time, or with --explain its EXPLAIN ANALYZE plan (operator
times and rows).
It writes only under --out. docs/benchmarks.md quotes numbers taken this way.

    python3 benches/profile_build.py --lake /tmp/big10 --out /tmp/profile
    python3 benches/profile_build.py --lake /tmp/big10 --out /tmp/profile --explain build_base
    python3 benches/profile_build.py --lake /tmp/big10 --out /tmp/profile --compare
    python3 benches/profile_build.py --lake /tmp/big10 --out /tmp/profile --case-study
"""

import argparse
import glob
import os
import shutil
import time

import duckdb
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIMENSIONS = ["dim_users", "dim_shows", "dim_geo", "show_canonical_map", "content_restrictions"]


def sql(name):
    """A queries/*.sql file without its comment lines."""
    with open(os.path.join(ROOT, "queries", name + ".sql")) as f:
        return "\n".join(l for l in f.read().splitlines() if not l.lstrip().startswith("--"))


def statements(text):
    return [s for s in text.split(";") if s.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lake", required=True)
    ap.add_argument("--out", required=True, help="scratch folder for the written tables (replaced)")
    ap.add_argument("--memory-limit", default="1.5GB")
    ap.add_argument("--explain", action="append", default=[], metavar="STEP",
                    help="print EXPLAIN ANALYZE of this step (repeatable)")
    ap.add_argument("--compare", action="store_true",
                    help="also time the alternatives benchmarks.md compares: the case study's "
                         "window dedup over every row, and COUNT(DISTINCT) and a GROUP BY per user, then "
                         "per key, against the build's count of distinct viewers")
    ap.add_argument("--case-study", action="store_true",
                    help="run only the case study's SQL as written (queries/bench_case_study_*.sql), "
                         "under --memory-limit")
    a = ap.parse_args()

    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    c = duckdb.connect()
    c.execute(f"SET threads = 2; SET preserve_insertion_order = false; "
              f"SET temp_directory = '{a.out}/_tmp'; SET memory_limit = '{a.memory_limit}'; "
              f"SET partitioned_write_flush_threshold = 50000; "
              f"SET disabled_optimizers = 'window_self_join'")

    def step(name, text, params=None):
        t = time.time()
        for st in statements(text):
            if name in a.explain:
                plan = c.execute("EXPLAIN ANALYZE " + st, params).fetchall()[0][1]
                print("\n".join(l for l in plan.splitlines() if l.strip("│ ")))
            else:
                c.execute(st, params)
        print(f"{name:32} {time.time() - t:7.2f} s", flush=True)

    files = sorted(glob.glob(os.path.join(a.lake, "raw_watch_events", "*", "*.parquet")))
    if a.case_study:
        lst = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        c.execute(f"CREATE VIEW raw_watch_events AS SELECT * FROM read_parquet([{lst}], "
                  f"hive_partitioning = true, union_by_name = true)")
        t = time.time()
        for name, view, src in [("dedup", None, None),
                                ("agg", "fact_watch_events", "dedup"),
                                ("top10", "agg_watch_day_country_show", "agg")]:
            if view:
                c.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet('{a.out}/{src}.parquet')")
            step("case study " + name,
                 f"COPY ({sql('bench_case_study_' + name)}) TO '{a.out}/{name}.parquet' (FORMAT parquet)")
        print(f"{'case study, total':32} {time.time() - t:7.2f} s")
        return
    def repeats(query, table):
        """pipeline/repeats.rs: the hashes `query` yields more than once, into
        `table`. The binary finds them in Rust; here numpy does, so the line
        times DuckDB's part (the scan and the transfer) plus numpy's sort,
        which is slower than the binary's."""
        t = time.time()
        hashes = c.execute(sql(query), [0, 2**64 - 1]).fetchnumpy()["h"]
        hashes.sort()
        repeated = np.unique(hashes[1:][hashes[1:] == hashes[:-1]])
        c.execute(f"DELETE FROM {table}")
        c.execute(f"INSERT INTO {table} SELECT unnest($1::UBIGINT[])", [repeated.tolist()])
        print(f"{query + ' (+ numpy)':32} {time.time() - t:7.2f} s", flush=True)

    step("build_schema", sql("build_schema"))
    c.execute("SET VARIABLE build_as_of = NULL; SET VARIABLE build_from = NULL; SET VARIABLE build_to = NULL; "
              "SET VARIABLE batch_from = NULL; SET VARIABLE batch_to = NULL")
    for i, f in enumerate(files):
        rel = os.path.relpath(f, os.path.join(a.lake, "raw_watch_events"))
        c.execute("INSERT INTO landing_files VALUES (?, ?, CAST(? AS DATE))", [i, rel, rel[3:13]])
    lst = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    c.execute(f"CREATE TEMP VIEW landing AS SELECT *, file_index FROM read_parquet([{lst}], "
              f"file_row_number = true, union_by_name = true, hive_partitioning = false)")
    step("build_load_raw", sql("build_load_raw"))
    for d in DIMENSIONS:
        # As the build does (pipeline/dimensions.rs): the lake's file copied
        # when it already has the loader's column names and types and every
        # value reads, else written through the loader; read from the copy.
        src, dst = os.path.join(a.lake, d + ".parquet"), f"{a.out}/{d}.parquet"
        t = time.time()
        shutil.copyfile(src, dst)
        described = lambda q: c.execute(f"DESCRIBE SELECT * FROM ({q}\n)", [dst]).fetchall()
        same = described("SELECT * FROM read_parquet($1)") == described(sql("build_load_" + d))
        if same:
            c.execute(sql("build_read_dimension"), [dst]).fetchall()
            print(f"{'copy_' + d:32} {time.time() - t:7.2f} s", flush=True)
        else:
            os.remove(dst)
            step("build_load_" + d, f"COPY ({sql('build_load_' + d)}) TO '{dst}' "
                 f"(FORMAT parquet, COMPRESSION zstd)", [src])
        c.execute(f"CREATE TEMP VIEW {d} AS SELECT * FROM read_parquet('{dst}')")
    step("build_canonical_resolve", sql("build_canonical_resolve"))
    step("count_raw", sql("count_raw"))
    repeats("build_event_hashes", "contested")
    step("build_versions", sql("build_versions"))

    def write(table):
        return (f"COPY ({sql('write_' + table)}) TO '{a.out}/{table}' "
                f"(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date))")

    step("write_duplicates", write("duplicates"))
    step("write_quarantine", write("quarantine"))
    step("write_deletes", f"COPY (SELECT src_file, src_row FROM deletes ORDER BY src_file, src_row) "
                          f"TO '{a.out}/deletes.parquet' (FORMAT parquet, COMPRESSION zstd)")
    step("drop_working_tables", "DROP TABLE versions; DROP TABLE quarantined; DROP TABLE contested; "
                                "ALTER TABLE deletes DROP COLUMN src_file")
    # One batch: the whole lake (up to 134 M rows is one batch at the default limit).
    step("build_facts", sql("build_facts"))
    repeats("build_viewer_hashes", "repeated_viewers")
    step("build_base", sql("build_base"))
    step("count_fact", sql("count_fact"))
    step("build_agg", sql("build_agg"))
    step("write_agg_watch_day_country_show", write("agg_watch_day_country_show"))
    step("write_top10_country_day", write("top10_country_day"))
    if a.compare:
        step("compare: COUNT(DISTINCT) aggregate",
             "SELECT count(*) FROM (SELECT CAST(event_ts AS DATE), country, show_id, sum(watch_seconds), "
             "count(DISTINCT user_id) FROM landing_rows GROUP BY ALL)")
        step("compare: per user, then per key",
             "SELECT count(*) FROM (SELECT event_date, country, show_id, sum(w), count(*) FROM "
             "(SELECT event_date, country, show_id, user_id, sum(watch_seconds) AS w FROM batch_facts "
             "GROUP BY ALL) GROUP BY ALL)")
        step("compare: window over every row",
             "SELECT count(*) FROM (SELECT row_number() OVER (PARTITION BY event_id ORDER BY "
             "ingestion_ts DESC NULLS LAST, src DESC NULLS LAST, watch_seconds DESC NULLS LAST, "
             "src_file DESC, src_row DESC) AS rn FROM raw) WHERE rn = 1")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compare Custos's person linkage with Splink (DuckDB backend) on the same records.

Why: Custos claims Splink-class linkage quality at a lower cost. This script checks
that claim on one data set in one run: both tools link the same `persons.csv`, both
are scored against the same `truth.csv` by the same pairwise precision/recall/F1
function, and both are timed by wall clock around the linkage itself.

Modes (see bench/README.md):
  default            custos bench match exports N synthetic people, then both tools link them
  --persons/--truth  link the given CSV files (skips the custos export)
  --self-test        fabricate ~2,000 records with planted duplicates in Python, then link them
  --skip-custos      run the Splink side only (useful until/unless the custos binary links)

The script re-executes itself under bench/.venv (creating it from requirements.txt if
missing), so `python3 bench/splink_compare.py ...` is the one command to run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
VENV_DIR = BENCH_DIR / ".venv"
REQUIREMENTS = BENCH_DIR / "requirements.txt"

PERSONS_HEADER = [
    "source_id", "given_name", "middle_name", "surname", "dob", "gender",
    "address_1", "town", "postcode", "phone", "ni_number", "pnc_id",
]
TRUTH_HEADER = ["source_id", "cluster"]
CUSTOS_CLUSTERS_HEADER = ["source", "source_id", "nominal_id", "probability"]
MATCH_THRESHOLD = 0.9


class BenchError(Exception):
    """A step failed; the message is meant for the person running the benchmark."""


# --------------------------------------------------------------------------- venv


def in_bench_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV_DIR.resolve()


def ensure_venv_and_reexec() -> None:
    """Run under bench/.venv so Splink's pinned versions are used, creating it if needed.

    Setup time is printed but never counted in any benchmark timing.
    """
    if in_bench_venv() or os.environ.get("SPLINK_COMPARE_NO_VENV") == "1":
        return
    venv_python = VENV_DIR / "bin" / "python"
    if not venv_python.exists():
        print(f"[setup] creating {VENV_DIR} and installing {REQUIREMENTS.name} ...", flush=True)
        started = time.perf_counter()
        run_or_fail([sys.executable, "-m", "venv", str(VENV_DIR)], "create bench/.venv")
        run_or_fail([str(venv_python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
                    "pip install -r bench/requirements.txt")
        print(f"[setup] venv ready in {time.perf_counter() - started:.1f} s (not part of any timing)",
              flush=True)
    os.execv(str(venv_python), [str(venv_python), str(Path(__file__).resolve()), *sys.argv[1:]])


def run_or_fail(cmd: list[str], what: str, cwd: Path | None = None) -> float:
    """Run a subprocess, return its wall time in seconds, raise BenchError on failure."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    except OSError as err:
        raise BenchError(f"{what}: could not start {cmd[0]}: {err}") from err
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-20:])
        raise BenchError(f"{what} failed (exit {proc.returncode}):\n  $ {' '.join(cmd)}\n{tail}")
    return elapsed


# --------------------------------------------------------------------------- scoring


def pairwise_scores(predicted: dict[str, str], truth: dict[str, str]) -> dict:
    """Pairwise precision/recall/F1 of a clustering against true clusters.

    Counts pairs per cluster instead of materialising them: a cluster of size k holds
    k(k-1)/2 pairs, and the true positives are the pairs inside each
    (predicted cluster ∩ true cluster). Only records present in `truth` are scored; a
    scored record the tool did not assign is its own singleton cluster.
    """
    def pairs(size: int) -> int:
        return size * (size - 1) // 2

    assigned = {rid: predicted.get(rid, f"\0singleton:{rid}") for rid in truth}
    true_pairs = sum(pairs(k) for k in Counter(truth.values()).values())
    predicted_pairs = sum(pairs(k) for k in Counter(assigned.values()).values())
    true_positives = sum(
        pairs(k) for k in Counter((assigned[rid], truth[rid]) for rid in truth).values()
    )
    precision = true_positives / predicted_pairs if predicted_pairs else None
    recall = true_positives / true_pairs if true_pairs else None
    f1 = (2 * precision * recall / (precision + recall)
          if precision is not None and recall is not None and precision + recall > 0 else None)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_positive_pairs": true_positives,
        "predicted_pairs": predicted_pairs,
        "true_pairs": true_pairs,
        "records_scored": len(truth),
        "records_unassigned": sum(1 for rid in truth if rid not in predicted),
        "predicted_clusters": len(set(assigned.values())),
        "true_clusters": len(set(truth.values())),
    }


# --------------------------------------------------------------------------- CSV I/O


def read_csv_checked(path: Path, expected_header: list[str], exact: bool = True) -> list[dict]:
    if not path.is_file():
        raise BenchError(f"missing file: {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        if exact and header != expected_header:
            raise BenchError(f"{path}: header is {header}, expected exactly {expected_header}")
        missing = [c for c in expected_header if c not in header]
        if missing:
            raise BenchError(f"{path}: missing columns {missing} (header {header})")
        return list(reader)


def read_truth(path: Path) -> dict[str, str]:
    rows = read_csv_checked(path, TRUTH_HEADER)
    truth = {r["source_id"]: r["cluster"] for r in rows}
    if len(truth) != len(rows):
        raise BenchError(f"{path}: duplicate source_id values")
    return truth


def read_custos_clusters(path: Path) -> dict[str, str]:
    rows = read_csv_checked(path, CUSTOS_CLUSTERS_HEADER, exact=False)
    return {r["source_id"]: r["nominal_id"] for r in rows}


# --------------------------------------------------------------------------- self-test data

FORENAMES = (
    "james john robert michael william david richard joseph thomas charles christopher daniel "
    "matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy "
    "ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin "
    "scott brandon benjamin samuel gregory alexander patrick frank raymond jack dennis jerry "
    "tyler aaron jose adam nathan henry zachary douglas peter kyle noah ethan jeremy walter "
    "christian keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan "
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty "
    "sandra margaret ashley kimberly emily donna michelle carol amanda melissa deborah stephanie "
    "dorothy rebecca sharon laura cynthia amy kathleen angela shirley brenda emma anna pamela "
    "nicole samantha katherine christine helen debra rachel carolyn janet maria catherine "
    "heather diane olivia julie joyce victoria ruth virginia lauren kelly christina joan evelyn "
    "judith andrea hannah megan cheryl jacqueline martha madison teresa gloria sara janice "
    "mohammed muhammad ahmed ali fatima aisha priya raj sanjay anil sunita wei jun mei kwame "
    "oluwaseun chidi ngozi siobhan niamh ciaran aoife bronwen rhys gareth dafydd ffion"
).split()
SURNAMES_COMMON = "smith jones williams taylor brown davies evans wilson thomas johnson".split()
SURNAMES_OTHER = (
    "roberts robinson thompson wright walker white edwards hughes green hall lewis harris "
    "clarke patel jackson wood turner martin cooper hill ward morris moore clark lee king baker "
    "harrison morgan allen james scott phillips watson davis parker price bennett young griffiths "
    "mitchell kelly cook carter richardson bailey collins bell shaw murphy miller cox richards "
    "khan marshall anderson simpson ellis adams singh begum wilkinson foster chapman powell webb "
    "rogers gray mason ali hunt hussain campbell matthews owen palmer holmes mills barnes knight "
    "lloyd butler russell barker fisher stevens jenkins murray dixon harvey graham pearson ahmed "
    "fletcher walsh kaur gibson howard andrews stewart elliott reynolds saunders payne fox ford "
    "pearce day brooks west lawrence cole atkinson bradley spencer gill dawson ball burton "
    "obrien watts rose booth perry ryan grant wells armstrong francis rees hayes hart hudson "
    "newman barrett webster hunter gregory carr lowe page marsh riley dunn woods parsons berry "
    "stone reid holland hawkins harding porter robertson newton oconnor kennedy chen wang nguyen "
    "okafor adeyemi mensah kowalski nowak novak ivanova petrov oduya mcdonald macleod"
).split()
NICKNAMES = {
    "william": "bill", "robert": "bob", "richard": "dick", "james": "jim", "michael": "mike",
    "thomas": "tom", "elizabeth": "liz", "margaret": "maggie", "katherine": "kate",
    "christopher": "chris", "daniel": "dan", "matthew": "matt", "anthony": "tony",
    "joseph": "joe", "jennifer": "jenny", "rebecca": "becky", "samuel": "sam",
    "alexander": "alex", "andrew": "andy", "stephen": "steve", "victoria": "vicky",
    "benjamin": "ben", "nicholas": "nick", "patricia": "pat", "deborah": "debbie",
}
TOWNS = ("leeds york bradford wakefield halifax huddersfield harrogate doncaster sheffield "
         "rotherham barnsley hull").split()
STREETS = "high church station mill park victoria green manor kings queens".split()
STREET_KINDS = "street road lane avenue close way".split()
POSTCODE_AREAS = ["LS", "YO", "BD", "WF", "HX", "HD", "HG", "DN", "S", "HU"]
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.3:
        return word[:i] + word[i + 1:]
    if kind < 0.6:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind < 0.85:
        return word[:i] + rng.choice("aeiounrstl") + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def _postcode(rng: random.Random) -> str:
    area = rng.choice(POSTCODE_AREAS)
    return f"{area}{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"


def _person(rng: random.Random) -> dict:
    gender = rng.choice("MF")
    surname = (rng.choice(SURNAMES_COMMON) if rng.random() < 0.25 else rng.choice(SURNAMES_OTHER))
    dob = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 62))
    return {
        "given_name": rng.choice(FORENAMES),
        "middle_name": rng.choice(FORENAMES) if rng.random() < 0.5 else "",
        "surname": surname,
        "dob": dob.isoformat(),
        "gender": gender,
        "address_1": f"{rng.randint(1, 200)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}",
        "town": rng.choice(TOWNS),
        "postcode": _postcode(rng),
        "phone": "07" + "".join(rng.choice("0123456789") for _ in range(9)) if rng.random() < 0.6 else "",
        "ni_number": (rng.choice("ABCEGHJKLMNPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
                      + f"{rng.randrange(10**6):06d}" + rng.choice("ABCD")) if rng.random() < 0.45 else "",
        "pnc_id": (f"{rng.randint(80, 99)}/{rng.randrange(10**6):06d}{rng.choice(LETTERS)}"
                   if rng.random() < 0.3 else ""),
    }


def _relative(rng: random.Random, other: dict) -> dict:
    """A different person in the same household: the hard negatives for precision.

    Same surname, address, postcode and often phone; a sibling, parent or child, and
    sometimes a son named after his father (same forename, different dob).
    """
    rec = _person(rng)
    for field in ("surname", "address_1", "town", "postcode"):
        rec[field] = other[field]
    if rng.random() < 0.5:
        rec["phone"] = other["phone"]
    if rng.random() < 0.15:
        rec["given_name"], rec["gender"] = other["given_name"], other["gender"]
    elif rng.random() < 0.3:
        twin = dt.date.fromisoformat(other["dob"])
        rec["dob"] = twin.isoformat()
    return rec


def _corrupt(rng: random.Random, base: dict) -> dict:
    """A later record of the same person, as another officer or system typed it."""
    rec = dict(base)
    if rng.random() < 0.10:
        rec["given_name"] = NICKNAMES.get(rec["given_name"], rec["given_name"])
    for field in ("given_name", "surname"):
        if rng.random() < 0.15:
            rec[field] = _typo(rng, rec[field])
    if rng.random() < 0.03:
        rec["given_name"], rec["surname"] = rec["surname"], rec["given_name"]
    if rng.random() < 0.4:
        rec["middle_name"] = ""
    if rec["dob"]:
        roll = rng.random()
        year, month, day = rec["dob"].split("-")
        if roll < 0.06:
            rec["dob"] = ""
        elif roll < 0.10 and int(day) <= 12:
            rec["dob"] = f"{year}-{day}-{month}"
        elif roll < 0.15:
            d = dt.date.fromisoformat(rec["dob"]) + dt.timedelta(days=rng.choice([-1, 1, 10, -10]))
            rec["dob"] = d.isoformat()
    if rng.random() < 0.25:
        rec["address_1"] = f"{rng.randint(1, 200)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
        rec["town"] = rng.choice(TOWNS)
        rec["postcode"] = _postcode(rng)
    elif rng.random() < 0.1:
        rec["postcode"] = ""
    elif rng.random() < 0.1:
        rec["postcode"] = rec["postcode"].replace(" ", "").lower()
    for field, drop in (("phone", 0.5), ("ni_number", 0.4), ("pnc_id", 0.2), ("gender", 0.05),
                        ("address_1", 0.2), ("town", 0.1)):
        if rng.random() < drop:
            rec[field] = ""
    return rec


def fabricate(records: int, seed: int, out_dir: Path) -> tuple[Path, Path]:
    """Write persons.csv and truth.csv with the interface custos bench match exports."""
    rng = random.Random(seed)
    rows: list[dict] = []
    truth: list[tuple[str, str]] = []
    person_no = 0
    bases: list[dict] = []
    while len(rows) < records:
        person_no += 1
        base = _person(rng)
        if bases and rng.random() < 0.15:
            base = _relative(rng, rng.choice(bases))
        bases.append(base)
        copies = 1
        while rng.random() < 0.45 and copies < 6:
            copies += 1
        for copy_no in range(min(copies, records - len(rows))):
            rec = base if copy_no == 0 else _corrupt(rng, base)
            rows.append(rec)
            truth.append((f"P{person_no:06d}", ""))
    order = list(range(len(rows)))
    rng.shuffle(order)
    out_dir.mkdir(parents=True, exist_ok=True)
    persons_path, truth_path = out_dir / "persons.csv", out_dir / "truth.csv"
    with persons_path.open("w", newline="", encoding="utf-8") as pf, \
            truth_path.open("w", newline="", encoding="utf-8") as tf:
        pw, tw = csv.writer(pf), csv.writer(tf)
        pw.writerow(PERSONS_HEADER)
        tw.writerow(TRUTH_HEADER)
        for n, i in enumerate(order, start=1):
            source_id = f"R{n:07d}"
            pw.writerow([source_id] + [rows[i][c] for c in PERSONS_HEADER[1:]])
            tw.writerow([source_id, truth[i][0]])
    return persons_path, truth_path


# --------------------------------------------------------------------------- custos side


def custos_binary(arg: str | None) -> Path:
    if arg:
        path = Path(arg).resolve()
        if not path.is_file():
            raise BenchError(f"--custos {arg}: no such file")
        return path
    path = REPO_ROOT / "target" / "release" / "custos"
    if not path.is_file():
        print("[custos] target/release/custos missing; cargo build --release -p custos ...", flush=True)
        secs = run_or_fail(["cargo", "build", "--release", "-p", "custos"], "cargo build", cwd=REPO_ROOT)
        print(f"[custos] built in {secs:.0f} s", flush=True)
        if not path.is_file():
            raise BenchError(f"cargo build succeeded but {path} does not exist")
    return path


def custos_export(binary: Path, people: int, seed: int, work: Path) -> tuple[Path, Path, dict | None]:
    data = work / "data"
    secs = run_or_fail([str(binary), "bench", "match", "--people", str(people), "--seed", str(seed),
                        "--out", str(work / "bench-match.json"), "--export-csv", str(data)],
                       "custos bench match --export-csv")
    print(f"[custos] exported {people} people (seed {seed}) in {secs:.1f} s", flush=True)
    report = None
    try:
        report = json.loads((work / "bench-match.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report = None
    return data / "persons.csv", data / "truth.csv", report


def run_custos(binary: Path, persons: Path, work: Path) -> dict:
    store = work / "store"
    if store.exists() and any(store.iterdir()):
        raise BenchError(f"{store} already exists and is not empty; use a fresh --work directory")
    mapping = ",".join(f"{c}={c}" for c in PERSONS_HEADER[1:])
    import_secs = run_or_fail([str(binary), "import", "persons", str(persons), "--source", "demo",
                               "--id-column", "source_id", "--map", mapping,
                               "--data-dir", str(store)], "custos import persons")
    print(f"[custos] import {import_secs:.2f} s", flush=True)
    out = work / "custos-clusters.csv"
    link_secs = run_or_fail([str(binary), "link", "--data-dir", str(store), "--out", str(out)],
                            "custos link")
    print(f"[custos] link {link_secs:.2f} s", flush=True)
    clusters = read_custos_clusters(out)
    return {"import_wall_s": import_secs, "link_wall_s": link_secs, "clusters": clusters,
            "clusters_csv": str(out)}


# --------------------------------------------------------------------------- splink side

# Light standardisation, the kind Splink's tutorials do before linking: lower-case names,
# canonical postcode spacing (PostcodeComparison's sector/district regexes need the space),
# digits-only phone with +44 folded to 0, spaceless upper-case NI numbers, and '' -> NULL so
# missing values fall into Splink's null level instead of "disagree".
PREPARE_SQL = """
CREATE TABLE persons AS
WITH raw AS (
  SELECT * FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"',
                         escape = '"', auto_detect = false, columns = {COLUMNS})
), clean AS (
  SELECT
    trim(source_id) AS source_id,
    nullif(lower(trim(given_name)), '') AS given_name,
    nullif(lower(trim(middle_name)), '') AS middle_name,
    nullif(lower(trim(surname)), '') AS surname,
    nullif(trim(dob), '') AS dob,
    CASE WHEN lower(trim(gender)) IN ('m', 'male') THEN 'm'
         WHEN lower(trim(gender)) IN ('f', 'female') THEN 'f'
         WHEN lower(trim(gender)) IN ('', 'u', 'unknown', 'not known', 'x') THEN NULL
         ELSE lower(trim(gender)) END AS gender,
    nullif(upper(regexp_replace(coalesce(postcode, ''), '\\s+', '', 'g')), '') AS pc,
    nullif(regexp_replace(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), '^44', '0'), '')
      AS phone,
    nullif(upper(regexp_replace(coalesce(ni_number, ''), '\\s+', '', 'g')), '') AS ni_number,
    nullif(upper(trim(pnc_id)), '') AS pnc_id
  FROM raw
)
SELECT source_id, given_name, middle_name, surname, dob, gender,
  CASE WHEN length(pc) >= 5 THEN substr(pc, 1, length(pc) - 3) || ' ' || substr(pc, -3)
       ELSE pc END AS postcode,
  phone, ni_number, pnc_id,
  nullif(concat_ws(' ', given_name, surname), '') AS given_name_surname
FROM clean
"""


def splink_settings(names: str):
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if names == "swap":
        name_comparisons = [cl.ForenameSurnameComparison(
            "given_name", "surname", forename_surname_concat_col_name="given_name_surname")]
    else:
        name_comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        ]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="source_id",
        comparisons=[
            *name_comparisons,
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("gender"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("ni_number"),
            cl.ExactMatch("pnc_id"),
        ],
        # Same dob subsumes "same given_name + dob", so that rule is left out.
        blocking_rules_to_generate_predictions=[
            block_on("surname", "substr(dob, 1, 4)"),
            block_on("dob"),
            block_on("postcode", "substr(surname, 1, 1)"),
            block_on("ni_number"),
            block_on("pnc_id"),
            block_on("phone"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def make_linker(con, settings, verbose: bool):
    """Build a Linker over the `persons` table on both the Splink 5 and Splink 4 APIs."""
    import inspect
    import logging

    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(connection=con)
    params = inspect.signature(Linker.__init__).parameters
    if hasattr(db_api, "register") and "db_api" not in params:  # Splink 5
        linker = Linker(db_api.register("persons"), settings,
                        log_level=logging.INFO if verbose else logging.WARNING)
    else:  # Splink 4: Linker(table, settings, db_api)
        linker = Linker("persons", settings, db_api, set_up_basic_logging=verbose)
    if not verbose:
        logging.getLogger("splink").setLevel(logging.WARNING)
    return linker


def run_splink(persons: Path, names: str, u_max_pairs: float, seed: int, verbose: bool) -> dict:
    import duckdb
    from splink import block_on

    phases: dict[str, float] = {}
    started = last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        phases[name] = now - last
        last = now

    con = duckdb.connect(":memory:")
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in PERSONS_HEADER) + "}"
    con.execute(PREPARE_SQL.replace("{COLUMNS}", columns), {"path": str(persons)})
    lap("load_s")

    linker = make_linker(con, splink_settings(names), verbose)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("ni_number"), block_on("pnc_id"), block_on("given_name", "surname", "dob")],
        recall=0.7,
    )
    training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    # Two EM sessions, each estimating the comparisons its rule does not block on. The second
    # blocks on given_name + surname rather than surname alone: surname alone is quadratic in
    # the common-surname blocks (555 s of training at 100k self-test records vs 12 s), with the
    # same F1 at 2k records, and it is what Splink's own person-data tutorials do.
    training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    lap("train_s")

    predictions = linker.inference.predict(threshold_match_probability=MATCH_THRESHOLD)
    lap("predict_s")
    clusters_df = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=MATCH_THRESHOLD)
    rows = con.execute(
        f"SELECT CAST(source_id AS VARCHAR), CAST(cluster_id AS VARCHAR) FROM {clusters_df.physical_name}"
    ).fetchall()
    lap("cluster_s")
    wall = time.perf_counter() - started
    pair_count = con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchone()[0]
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return {
        "link_wall_s": wall,
        "phases": phases,
        "clusters": {sid: cid for sid, cid in rows},
        "pairs_above_threshold": pair_count,
        "duckdb_threads": threads,
        "names_model": names,
    }


# --------------------------------------------------------------------------- report


def fmt(value: float | None, width: int = 9) -> str:
    return f"{'n/a':<{width}}" if value is None else f"{value:<{width}.4f}"


def print_table(results: dict) -> None:
    print()
    print(f"{'':<18}{'precision':<11}{'recall':<10}{'F1':<10}link wall s")
    for label, key in (("custos", "custos"), ("splink (duckdb)", "splink")):
        r = results.get(key)
        if r is None:
            print(f"{label:<18}(skipped)")
            continue
        s = r["scores"]
        print(f"{label:<18}{fmt(s['precision'], 11)}{fmt(s['recall'], 10)}{fmt(s['f1'], 10)}"
              f"{r['link_wall_s']:.2f}")
    c, s = results.get("custos"), results.get("splink")
    if c:
        print(f"custos import wall s: {c['import_wall_s']:.2f} (not part of link time)")
    if c and s and c["link_wall_s"] > 0:
        print(f"custos/splink speed: {s['link_wall_s'] / c['link_wall_s']:.1f}x "
              "(splink link wall time / custos link wall time)")


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("splink", "duckdb", "sqlglot", "pyarrow", "pandas"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group()
    src.add_argument("--self-test", action="store_true",
                     help="fabricate records with planted duplicates in Python and link them")
    src.add_argument("--persons", type=Path, help="persons.csv to link (needs --truth)")
    p.add_argument("--truth", type=Path, help="truth.csv (source_id,cluster) for --persons")
    p.add_argument("--people", type=int, default=10_000,
                   help="people for custos bench match (default 10000)")
    p.add_argument("--records", type=int, default=2_000,
                   help="records to fabricate in --self-test (default 2000)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--custos", help="custos binary (default target/release/custos, built if missing)")
    p.add_argument("--skip-custos", action="store_true", help="run the Splink side only")
    p.add_argument("--work", type=Path, help="work directory (default: a new temp dir)")
    p.add_argument("--out", type=Path, help="write the JSON report here")
    p.add_argument("--names", choices=["separate", "swap"], default="separate",
                   help="Splink name model: NameComparison per field with term frequencies "
                        "(default) or ForenameSurnameComparison (swap-aware)")
    p.add_argument("--u-max-pairs", type=float, default=5e6,
                   help="max_pairs for estimate_u_using_random_sampling (default 5e6)")
    p.add_argument("--verbose", action="store_true", help="show Splink's training log")
    args = p.parse_args(argv)
    if args.persons and not args.truth:
        p.error("--persons needs --truth")
    if args.truth and not args.persons:
        p.error("--truth needs --persons")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    ensure_venv_and_reexec()
    try:
        import splink  # noqa: F401
    except ImportError as err:
        raise BenchError(f"splink is not importable in {sys.prefix}: {err}; "
                         f"recreate with: rm -rf {VENV_DIR} and rerun") from err

    work = (args.work or Path(tempfile.mkdtemp(prefix="splink-compare-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"[bench] work directory {work}", flush=True)

    binary = None if args.skip_custos else custos_binary(args.custos)
    mode, export_report, people = "", None, None
    if args.self_test:
        mode = "self-test"
        persons, truth_path = fabricate(args.records, args.seed, work / "data")
        print(f"[bench] fabricated {args.records} records (seed {args.seed}) in {work / 'data'}",
              flush=True)
    elif args.persons:
        mode = "files"
        persons, truth_path = args.persons.resolve(), args.truth.resolve()
    else:
        mode = "custos-export"
        people = args.people
        if binary is None:
            raise BenchError("the default mode needs the custos binary to export data; "
                             "drop --skip-custos or pass --persons/--truth or --self-test")
        persons, truth_path, export_report = custos_export(binary, args.people, args.seed, work)

    read_csv_checked(persons, PERSONS_HEADER)  # fail early on a wrong header
    truth = read_truth(truth_path)
    print(f"[bench] {len(truth)} records, {len(set(truth.values()))} true clusters", flush=True)

    results: dict = {}
    if binary is not None:
        custos = run_custos(binary, persons, work)
        custos["scores"] = pairwise_scores(custos.pop("clusters"), truth)
        results["custos"] = custos

    print(f"[splink] linking with Splink {versions().get('splink')} (duckdb) ...", flush=True)
    try:
        splink_result = run_splink(persons, args.names, args.u_max_pairs, args.seed, args.verbose)
    except BenchError:
        raise
    except Exception as err:  # Splink/DuckDB errors are many kinds; report them plainly.
        raise BenchError(f"splink run failed: {type(err).__name__}: {err}") from err
    splink_result["scores"] = pairwise_scores(splink_result.pop("clusters"), truth)
    results["splink"] = splink_result
    print(f"[splink] linked in {splink_result['link_wall_s']:.2f} s "
          f"({', '.join(f'{k} {v:.2f}' for k, v in splink_result['phases'].items())})", flush=True)

    print_table(results)

    report = {
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "mode": mode,
        "people": people,
        "records": len(truth),
        "seed": args.seed,
        "persons_csv": str(persons),
        "truth_csv": str(truth_path),
        "match_threshold": MATCH_THRESHOLD,
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform()},
        "versions": versions(),
        "custos_binary": str(binary) if binary else None,
        "results": results,
        "speedup_splink_over_custos": (
            results["splink"]["link_wall_s"] / results["custos"]["link_wall_s"]
            if "custos" in results and results["custos"]["link_wall_s"] > 0 else None),
        "custos_bench_match_report": export_report,
    }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"[bench] report written to {args.out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as err:
        print(f"splink_compare: error: {err}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)

"""``ungpho ingest`` and ``ungpho eurdep import`` as an operator runs them: a bad file beside a
good one never crashes the command and never costs the good one its readings; the bad one is
named (path, line, field, reason), kept as a dead letter, and the exit code says so; once its
cause is fixed, ``ungpho deadletters retry`` takes it in (issue 20, finding 2)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO, ungpho
from tests.faults.test_drop_folder_faults import _line, _name
from ungpho.monitoring.doors.file_open import ERR_DENIED

pytestmark = pytest.mark.e2e

STATIONS_CSV = ("code,name,type,province,lat,lon,file_prefix\n"
                "KHI01,Trạm không khí Nguyễn Văn Cừ,ambient_air,01,21.0486,105.8786,"
                "HN_CEM_KHI01\n"
                "HN-GAMMA-01,Trạm phóng xạ Hà Nội,radiation,01,21.0285,105.8542,\n")


@pytest.fixture
def env(ungpho_env, tmp_path):
    """A migrated database of its own (PostgreSQL in the PostgreSQL pass) with stations."""
    (tmp_path / "stations.csv").write_text(STATIONS_CSV, encoding="utf-8")
    ungpho("stations", "import", str(tmp_path / "stations.csv"), env=ungpho_env)
    return ungpho_env


def _json(result) -> dict:
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_ingest_stores_the_good_files_beside_bad_ones_names_them_and_exits_4(env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / _name(5)).write_text(_line(10.5, 5), encoding="utf-8")
    nul = folder / _name(10)
    nul.write_bytes(b"PM10\t1\x002.5\tug/Nm3\t20261121101000\t00\n")
    os.symlink(tmp_path / "not-yet.txt", folder / _name(15))
    os.mkfifo(folder / _name(20))
    result = ungpho("ingest", str(folder), "--json", env=env, check=False)
    summary = _json(result)
    assert result.returncode == 4
    assert summary["stored"] >= 1  # the good file (and, on SQLite, nothing of the NUL line)
    dead = {os.path.basename(row["file"]): row for row in summary["dead_letters"]}
    assert dead[_name(15)]["field"] == "file" and "symbolic link" in dead[_name(15)]["reason"]
    assert "FIFO" in dead[_name(20)]["reason"]
    if _name(10) in dead:  # PostgreSQL cannot keep the NUL in the rejected line's text
        assert (dead[_name(10)]["line"], dead[_name(10)]["field"]) == (1, "value")
    else:
        assert [(r["line"], r["field"]) for r in summary["rejected"]] == [(1, "value")]

    text = ungpho("ingest", str(folder), env=env, check=False)
    assert text.returncode == 4 and "Traceback" not in text.stderr
    assert f"{folder / _name(15)}:0: file: a symbolic link" in text.stdout

    letters = _json(ungpho("deadletters", "--json", env=env))
    assert letters["open"] == len(dead)
    assert {row["door"] for row in letters["letters"]} == {"cli"}
    assert all(row["times_received"] == 2 for row in letters["letters"])
    check = ungpho("check", env=env, check=False)
    assert f"[OK] dead letters: {len(dead)} open" in check.stdout
    assert "ungpho deadletters" in check.stdout


def test_ingest_of_a_nul_byte_file_stores_the_good_file_beside_it(env, tmp_path):
    """On PostgreSQL the NUL byte crashed the command with a traceback, the good file beside
    it not stored; now the line is named (a rejected line, or its file's dead letter)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / _name(5)).write_text(_line(10.5, 5), encoding="utf-8")
    (folder / _name(10)).write_bytes(b"PM10\t1\x002.5\tug/Nm3\t20261121101000\t00\n")
    result = ungpho("ingest", str(folder), "--json", env=env, check=False)
    summary = _json(result)
    assert summary["stored"] == 1 and result.returncode in (3, 4)  # 4: a dead letter
    named = summary["rejected"] + summary["dead_letters"]
    assert [(row["file"], row["line"], row["field"]) for row in named] == [
        (str(folder / _name(10)), 1, "value")]


def test_a_fixed_file_is_taken_in_by_retry_and_a_hopeless_one_is_resolved_by_hand(
        env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / _name(5)).write_text(_line(10.5, 5), encoding="utf-8")
    target = tmp_path / "upload-in-progress.txt"
    os.symlink(target, folder / _name(15))
    os.mkfifo(folder / _name(20))
    summary = _json(ungpho("ingest", str(folder), "--json", env=env, check=False))
    ids = {os.path.basename(row["file"]): row["letter"] for row in summary["dead_letters"]}

    retried = ungpho("deadletters", "retry", str(ids[_name(15)]), env=env, check=False)
    assert retried.returncode == 1 and "vẫn lỗi / still dead" in retried.stdout
    target.write_text(_line(15.5, 15) + _line(16.5, 15, symbol="NO2"), encoding="utf-8")
    retried = ungpho("deadletters", "retry", str(ids[_name(15)]), env=env, check=False)
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert "đã nhập / taken in: 2 stored" in retried.stdout
    again = _json(ungpho("ingest", str(folder / _name(15)), "--json", env=env))
    assert (again["files_skipped"], again["duplicates"]) == (1, 2)  # taken once

    shown = ungpho("deadletters", "show", str(ids[_name(20)]), env=env).stdout
    assert "FIFO" in shown and "không đọc được / could not be read" in shown
    ungpho("deadletters", "resolve", str(ids[_name(20)]), "--note", "a test pipe", env=env)
    assert _json(ungpho("deadletters", "--json", env=env))["open"] == 0
    assert "[OK] dead letters: none open" in ungpho("check", env=env, check=False).stdout
    again = ungpho("deadletters", "retry", str(ids[_name(20)]), env=env, check=False)
    assert again.returncode == 1 and "already resolved" in again.stderr


def _as_a_plain_user() -> list[str]:
    """A prefix that runs a command without the power to read any file (root's DAC override):
    as root, ``setpriv`` (util-linux) drops it; a plain user has none."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv (util-linux) to drop CAP_DAC_OVERRIDE")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def test_an_unreadable_file_is_a_dead_letter_taken_in_once_readable(env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / _name(5)).write_text(_line(10.5, 5), encoding="utf-8")
    locked = folder / _name(10)
    locked.write_text(_line(20.5, 10), encoding="utf-8")
    locked.chmod(0)
    result = subprocess.run([*_as_a_plain_user(), sys.executable, "-m", "ungpho", "ingest",
                             str(folder), "--json"], env=env, cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    summary = _json(result)
    assert result.returncode == 4 and summary["stored"] == 1
    [row] = summary["dead_letters"]
    assert (row["file"], row["reason"]) == (str(locked), ERR_DENIED)
    locked.chmod(0o644)
    retried = ungpho("deadletters", "retry", str(row["letter"]), env=env)
    assert "đã nhập / taken in: 1 stored" in retried.stdout


def _eurdep(value: str, *, nul: bool = False) -> str:
    station = "HN-GAMMA-01\x00" if nul else "HN-GAMMA-01"
    return "\n".join([
        "\\BEGIN_EURDEP;", "\\BEGIN_HEADER;", "\\FORMAT_VERSION 2.1;", "\\IMPORTANCE 0;",
        "\\ORIGINATOR ungpho-test;", "\\SENT 2026-11-21T04:00Z;", "\\MESSAGE_ID 1;",
        "\\END_HEADER;", "\\BEGIN_LOCALITY;",
        "\\FIELD_LIST LOCALITY_CODE,LOCALITY_NAME,LATITUDE,LONGITUDE;",
        f"\\{station},Ha Noi,N21.0285,E105.8542;", "\\END_LOCALITY;", "\\BEGIN_RADIOLOGICAL;",
        "\\FIELD_LIST LOCALITY_CODE,BEGIN,END,SAMPLE_TYPE,NUCLIDE,VALUE,UNIT;",
        f"\\{station},2026-11-21T03:00Z,2026-11-21T04:00Z,A5,T-GAMMA,{value},NSV/H;",
        "\\END_RADIOLOGICAL;", "\\END_EURDEP;", ""])


def test_eurdep_import_takes_the_good_file_beside_an_unreadable_one(env, tmp_path):
    good, nul = tmp_path / "good.EUR", tmp_path / "nul.EUR"
    good.write_text(_eurdep("101"), encoding="utf-8")
    nul.write_text(_eurdep("102", nul=True), encoding="utf-8")
    os.symlink(tmp_path / "missing.EUR", tmp_path / "link.EUR")
    result = ungpho("eurdep", "import", str(nul), str(tmp_path / "link.EUR"), str(good),
                    "--json", env=env, check=False)
    summary = _json(result)
    assert result.returncode == 4 and summary["stored"] == 1
    dead = {os.path.basename(row["file"]): row for row in summary["dead_letters"]}
    assert "symbolic link" in dead["link.EUR"]["reason"]
    assert set(dead) <= {"link.EUR", "nul.EUR"}  # the NUL one on PostgreSQL
    assert "nul.EUR" in dead or {row["file"] for row in summary["rejected"]} == {str(nul)}
    letters = _json(ungpho("deadletters", "--door", "eurdep", "--json", env=env))
    assert {row["source"] for row in letters["letters"]} == {
        str(tmp_path / name) for name in dead}
    (tmp_path / "missing.EUR").write_text(_eurdep("103").replace("T04:00Z", "T05:00Z"),
                                          encoding="utf-8")  # the link's file arrives
    retried = ungpho("deadletters", "retry", str(dead["link.EUR"]["letter"]), env=env)
    assert "đã nhập / taken in: 1 stored" in retried.stdout

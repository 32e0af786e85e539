import pytest

from ungpho.platform.env import (
    ConfigError,
    database_from_url,
    email_from_url,
    mqtt_from_url,
    mqtt_group,
    unknown_variables,
    worker_name,
)


def test_no_database_url_gives_sqlite_in_wal_with_immediate_transactions(tmp_path):
    db = database_from_url(None, sqlite_path=tmp_path / "u.sqlite3")
    assert db["ENGINE"].endswith("sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_a_postgresql_url_is_split_into_django_settings(tmp_path):
    db = database_from_url("postgresql://ung:p%40ss@db.local:5433/ungpho?sslmode=require",
                           sqlite_path=tmp_path / "x")
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "ung", "p@ss", "db.local", "5433", "ungpho")
    assert db["OPTIONS"]["sslmode"] == "require"


def test_postgresql_connections_come_from_a_bounded_pool_that_closes_unused_ones(
        tmp_path, monkeypatch):
    monkeypatch.setenv("UNGPHO_DB_POOL_MAX", "5")
    monkeypatch.setenv("UNGPHO_DB_POOL_IDLE_S", "2.5")
    db = database_from_url("postgresql://ung@db.local/ungpho", sqlite_path=tmp_path / "x")
    assert db["CONN_MAX_AGE"] == 0  # kept per thread, a connection outlives the request
    pool = db["OPTIONS"]["pool"]
    assert (pool["min_size"], pool["max_size"], pool["max_idle"]) == (0, 5, 2.5)


def test_a_pool_of_zero_connects_for_each_request(tmp_path, monkeypatch):
    monkeypatch.setenv("UNGPHO_DB_POOL_MAX", "0")
    db = database_from_url("postgresql://ung@db.local/ungpho", sqlite_path=tmp_path / "x")
    assert "pool" not in db["OPTIONS"] and db["CONN_MAX_AGE"] == 0


@pytest.mark.parametrize("value, words", [("eight", "not a whole number"),
                                          ("-1", "must be at least 0")])
def test_a_malformed_pool_size_says_what_is_wrong(tmp_path, monkeypatch, value, words):
    monkeypatch.setenv("UNGPHO_DB_POOL_MAX", value)
    with pytest.raises(ConfigError, match=f"UNGPHO_DB_POOL_MAX={value!r} .*{words}"):
        database_from_url("postgresql://ung@db.local/ungpho", sqlite_path=tmp_path / "x")


@pytest.mark.parametrize("url, words", [
    ("mysql://root@localhost/db", "unsupported scheme 'mysql'"),
    ("postgresql://localhost", "names no database"),
    ("postgresql://localhost:abc/db", "port that is not a number"),
])
def test_a_malformed_database_url_says_what_is_wrong(tmp_path, url, words):
    with pytest.raises(ConfigError, match=words):
        database_from_url(url, sqlite_path=tmp_path / "x")


def test_an_email_url_with_starttls_becomes_smtp_settings(tmp_path):
    mail = email_from_url("smtp://u:p@mail.gov.vn:587?starttls=1", mail_dir=tmp_path)
    assert mail["EMAIL_HOST"] == "mail.gov.vn" and mail["EMAIL_PORT"] == 587
    assert mail["EMAIL_USE_TLS"] is True and mail["EMAIL_USE_SSL"] is False


def test_mqtt_url_defaults_to_port_1883():
    assert mqtt_from_url("mqtt://broker")["port"] == 1883


def test_a_worker_is_named_after_its_host_unless_told_and_a_bad_name_is_refused(monkeypatch):
    monkeypatch.delenv("UNGPHO_WORKER_NAME", raising=False)
    monkeypatch.setattr("socket.gethostname", lambda: "trạm chủ.local")
    assert worker_name() == "tr-m-ch-.local"  # what an MQTT client id may hold
    monkeypatch.setenv("UNGPHO_WORKER_NAME", "ingest-a")
    assert worker_name() == "ingest-a"
    monkeypatch.setenv("UNGPHO_WORKER_NAME", "a/b")
    with pytest.raises(ConfigError, match="UNGPHO_WORKER_NAME='a/b' is not a name"):
        worker_name()


def test_an_mqtt_group_with_a_topic_separator_or_wildcard_is_refused(monkeypatch):
    monkeypatch.delenv("UNGPHO_MQTT_GROUP", raising=False)
    assert mqtt_group() is None
    for bad in ("a/b", "a+", "#"):
        monkeypatch.setenv("UNGPHO_MQTT_GROUP", bad)
        with pytest.raises(ConfigError, match="UNGPHO_MQTT_GROUP"):
            mqtt_group()


def test_an_unknown_ungpho_variable_is_reported_with_the_closest_name():
    messages = unknown_variables({"UNGPHO_DATA_DRI": "/x", "PATH": "/bin"})
    assert len(messages) == 1 and "Did you mean UNGPHO_DATA_DIR?" in messages[0]

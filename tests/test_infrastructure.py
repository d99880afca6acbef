"""The run and deployment plumbing: broker and worker, compose file, production settings."""

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


def _production_environment(**settings: str) -> dict[str, str]:
    """A start-up environment like a server's: not this process's, which test fixtures alter
    (DJANGO_SETTINGS_MODULE=ilag.settings_test, DJANGO_ALLOW_ASYNC_UNSAFE, ...)."""
    inherited = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "DATABASE_URL", "CELERY_BROKER_URL")
    env = {key: os.environ[key] for key in inherited if key in os.environ}
    return {**env, "DJANGO_SETTINGS_MODULE": "ilag.settings", **settings}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _wait_for(condition, *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


@pytest.mark.celery
def test_task_round_trip_through_redis_and_worker(transactional_db, celery_worker_process):
    from django.conf import settings

    from ilag.celery import app
    from ilag.models import WorkerHeartbeat
    from ilag.tasks import worker_heartbeat

    # With eager execution off, .delay() can only publish to Redis: the row below must
    # have been written by the worker subprocess, not by this process.
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert app.conf.task_always_eager is False
    assert not WorkerHeartbeat.objects.filter(hostname="roundtrip-test").exists()

    result = worker_heartbeat.delay(hostname="roundtrip-test")

    arrived = _wait_for(
        lambda: WorkerHeartbeat.objects.filter(hostname="roundtrip-test").exists(), timeout=30
    )
    assert arrived, f"no heartbeat row after 30 s; worker log:\n{celery_worker_process.log()}"
    succeeded = f"Task ilag.tasks.worker_heartbeat[{result.id}] succeeded"
    assert _wait_for(lambda: succeeded in celery_worker_process.log(), timeout=10), (
        celery_worker_process.log()
    )


@pytest.mark.celery
def test_each_xdist_worker_has_its_own_database_broker_and_fake_archive(
    transactional_db, celery_worker_process
):
    """Under pytest-xdist (README «make test»), worker gwN has its own test database, Redis
    database 2N + 2 as the broker (ilag/settings_test.py), in this process and in its
    Celery worker alike, and its own fake archive file (tests/conftest.py). A serial run
    keeps the broker it was given; the Celery worker consumes from it all the same."""
    from django.conf import settings

    from ilag.celery import app

    broker = os.environ["CELERY_BROKER_URL"]
    assert settings.CELERY_BROKER_URL == broker
    assert app.conf.broker_url == broker
    # The worker's start-up banner names its broker («.> transport: redis://…/2»).
    banner = re.search(r"\.> transport:\s+(\S+)", celery_worker_process.log())
    assert banner, celery_worker_process.log()
    assert urlsplit(banner[1]).path == urlsplit(broker).path

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return
    number = int(worker.removeprefix("gw"))
    assert urlsplit(broker).path == f"/{2 * number + 2}"
    assert settings.DATABASES["default"]["NAME"].endswith(f"_{worker}")
    assert Path(os.environ["ILAG_FAKE_ARCHIVE_STATE"]).stem.endswith(f"-{worker}")


def _test_settings(**environment: str) -> subprocess.CompletedProcess:
    """Load ilag.settings_test in a fresh process; print the broker and cache locations as
    the settings and the environment have them."""
    code = (
        "import os, ilag.settings_test as s; "
        "print(s.CELERY_BROKER_URL, os.environ['CELERY_BROKER_URL'], "
        "s.CACHES['default'].get('LOCATION'), os.environ.get('CACHE_URL'))"
    )
    env = {"PATH": os.environ["PATH"], "DEBUG": "1", **environment}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def test_xdist_workers_get_two_redis_databases_each_and_a_serial_run_none():
    broker, cache = "redis://127.0.0.1:6399/0", "redis://127.0.0.1:6399/1"

    serial = _test_settings(CELERY_BROKER_URL=broker, CACHE_URL=cache)
    gw0 = _test_settings(CELERY_BROKER_URL=broker, CACHE_URL=cache, PYTEST_XDIST_WORKER="gw0")
    gw6 = _test_settings(CELERY_BROKER_URL=broker, CACHE_URL=cache, PYTEST_XDIST_WORKER="gw6")
    # The test Celery worker inherits the changed environment and loads the settings again.
    again = _test_settings(
        CELERY_BROKER_URL="redis://127.0.0.1:6399/4",
        CACHE_URL="redis://127.0.0.1:6399/5",
        PYTEST_XDIST_WORKER="gw1",
    )
    too_many = _test_settings(CELERY_BROKER_URL=broker, PYTEST_XDIST_WORKER="gw7")

    assert serial.stdout.split() == [broker, broker, cache, cache], serial.stderr
    assert gw0.stdout.split() == [broker[:-1] + "2"] * 2 + [cache[:-1] + "3"] * 2, gw0.stderr
    assert gw6.stdout.split() == [broker[:-1] + "14"] * 2 + [cache[:-1] + "15"] * 2, gw6.stderr
    assert again.stdout.split() == [broker[:-1] + "4"] * 2 + [cache[:-1] + "5"] * 2, again.stderr
    assert too_many.returncode != 0 and "at most 7 workers" in too_many.stderr


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def _depends_on(service: dict) -> set[str]:
    depends = service.get("depends_on", [])
    return set(depends if isinstance(depends, list) else depends.keys())


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def _host(url: str) -> str | None:
    # Compose fills in ${VAR:?message} at start-up; its "?" would otherwise start a query.
    return urlsplit(re.sub(r"\$\{[^}]*\}", "interpolated", url)).hostname


def test_compose_file_describes_deployment():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]

    assert {"postgres", "redis", *APP_SERVICES} <= services.keys()
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert re.search(r"\bgunicorn ilag\.wsgi(:application)?\b", _command(services["web"]))
    assert "celery -A ilag worker" in _command(services["worker"])
    assert "celery -A ilag beat" in _command(services["beat"])
    assert "/helse/" in " ".join(services["web"]["healthcheck"]["test"])

    for name in APP_SERVICES:
        service = services[name]
        env = _environment(service)
        assert env["DATABASE_URL"].startswith(("postgres://", "postgresql://")), name
        assert _host(env["DATABASE_URL"]) == "postgres", name
        assert env["CELERY_BROKER_URL"].startswith("redis://"), name
        assert _host(env["CELERY_BROKER_URL"]) == "redis", name
        assert _host(env["CACHE_URL"]) == "redis", name
        # Interpolated from the deployer's environment and required, never a literal.
        assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*\}", env["SECRET_KEY"]), name
        assert env.get("DEBUG", "0") in {"0", "false", "False"}, name
        assert {"postgres", "redis"} <= _depends_on(service), name


def test_deploy_check_is_clean_with_debug_off():
    env = _production_environment(
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="portal.example.no"
    )

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"


def test_deploy_check_warns_of_a_dashboard_cache_in_one_process():
    env = _production_environment(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.no",
        DASHBOARD_CACHE_SECONDS="600",
    )
    env.pop("CACHE_URL", None)

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "ilag.W001" in result.stderr


def test_production_settings_share_the_cache_through_redis():
    env = _production_environment(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.no",
        CACHE_URL="redis://redis:6379/1",
    )
    code = (
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.DASHBOARD_CACHE_SECONDS)"
    )

    result = _manage("shell", "--no-imports", "-c", code, env=env)

    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "600"]


def test_missing_secret_key_stops_startup():
    env = _production_environment(DEBUG="0")
    assert "SECRET_KEY" not in env

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr

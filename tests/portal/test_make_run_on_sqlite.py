"""`make run`, the zero-setup default, serves the demo from SQLite with tasks run in
process: every page an adviser and a project leader reach by following the links from
the dashboard answers without an error there too. Run in a subprocess against a
throwaway SQLite file, since the test database is PostgreSQL (a query PostgreSQL has and
SQLite has not, such as DISTINCT ON, fails only there)."""

import json

from tests.conftest import run_as_make_run

SCRIPT = r"""
import json, sys
from collections import deque
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))
from accounts.models import User

import re
LINK = re.compile(r'href="(/[^"#]*)')
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
SKIP = ("/static/", "/media/", "/admin/", "/filer/", "/api/", "/kalender/", "last-ned",
        "eksport=", "/accounts/logout", "/i18n/", ".pdf", ".ics", "/konto/api")
results = {}
for user in ("radgiver", "leder.snasa"):
    client = Client()
    client.force_login(User.objects.get(username=user))
    seen, queue, failed, csrf = {"/"}, deque(["/"]), [], []
    while queue and len(seen) < 200:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            if response["Location"] not in seen:
                seen.add(response["Location"])
                queue.append(response["Location"])
            continue
        if response.status_code != 200:
            failed.append(f"{response.status_code} {url}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        # Each form that posts carries one CSRF token: none is refused, two is a
        # crispy form's own inside a page's form.
        for attrs, body in FORM.findall(html):
            tokens = body.count('name="csrfmiddlewaretoken"')
            if 'method="post"' in attrs and tokens != 1:
                csrf.append(f"{url}: {tokens}")
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if link not in seen and not any(s in link for s in SKIP):
                seen.add(link)
                queue.append(link)
    results[user] = {"pages": len(seen), "failed": failed, "csrf": csrf}
print(json.dumps(results))
"""


def test_the_demo_on_sqlite_answers_every_page_it_links_to(sqlite_database, tmp_path):
    result = run_as_make_run(
        ["-c", SCRIPT],
        sqlite_database,
        timeout=600,
        MEDIA_ROOT=str(tmp_path / "media"),
        ALLOWED_HOSTS="testserver",
        # The committee's PDFs take seconds each and are not what is under test here.
        DEMO_RENDER_REPORTS="0",
    )
    assert result.returncode == 0, result.stderr[result.stderr.rfind("Traceback") :][-3000:]
    results = json.loads(result.stdout.strip().splitlines()[-1])
    for user, found in results.items():
        assert found["pages"] > 40, (user, found)
        assert found["failed"] == [], (user, found["failed"])
        assert found["csrf"] == [], (user, found["csrf"])

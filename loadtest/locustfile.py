"""Load test of the portal: county advisers and project leaders browsing (not a test).

    scripts/loadtest.sh        # or: make loadtest

runs it headless against a gunicorn on loopback with 5 000 synthetic projects. By hand:

    locust -f loadtest/locustfile.py --host http://127.0.0.1:8000

Every simulated user logs in through the login form (GET for the CSRF token, then POST),
as a browser would, and keeps its session cookie. The demo users' password is `demo`
(`LOCUST_PASSWORD` to change). Static files are not fetched: a browser has them cached.
Similar URLs are grouped under one name in the statistics ("/prosjekter/[id]/").
With LOCUST_PAGES_JSON set, the response times of the pages alone (without the logins,
whose password hashing dominates the first seconds) are written there as well.
"""

import itertools
import json
import os
import random
import re
import statistics

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOCUST_PASSWORD", "demo")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROJECT_LINK = re.compile(r'href="/prosjekter/(\d+)/"')
# Demo municipalities, and the synthetic ones (`seed_demo --projects N` makes N / 10 of
# them, numbered from 9000).
MUNICIPALITIES = ["5041", "5022", "5034", "5046", "5033", "5052"]
SYNTHETIC_MUNICIPALITIES = [f"{9000 + i:04d}" for i in range(500)]


PAGE_TIMES: list[float] = []


@events.request.add_listener
def record_page_time(name, response_time, **kwargs):
    if not name.startswith("/accounts/login/"):
        PAGE_TIMES.append(response_time)


@events.test_stop.add_listener
def write_page_times(**kwargs):
    path = os.environ.get("LOCUST_PAGES_JSON")
    if not path or not PAGE_TIMES:
        return
    times = sorted(PAGE_TIMES)
    with open(path, "w") as handle:
        json.dump(
            {
                "count": len(times),
                "p50": round(statistics.median(times)),
                "p95": round(times[min(len(times) - 1, int(len(times) * 0.95))]),
                "max": round(times[-1]),
            },
            handle,
        )


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        self.project_ids = []
        self.log_in(self.username)

    def log_in(self, username):
        with self.client.get(
            "/accounts/login/", name="/accounts/login/ [GET]", catch_response=True
        ) as page:
            match = CSRF_FIELD.search(page.text or "")
            if not match:
                page.failure("no CSRF token in the login form")
                return
        with self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1),
                "next": "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="/accounts/login/ [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A successful login redirects (to the landing page, fetched by the first
            # task); a failed one shows the form again with 200.
            if response.status_code != 302 or "/accounts/login/" in response.headers.get(
                "Location", ""
            ):
                response.failure(f"login as {username} failed (HTTP {response.status_code})")
            else:
                response.success()

    def get(self, url, name=None):
        """GET a page as the signed-in user; a redirect to the login page is a failure."""
        with self.client.get(url, name=name or url, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/accounts/login/" in (response.url or ""):
                response.failure("not signed in (redirected to the login page)")
            else:
                response.success()
            return response.text or ""

    def remember_projects(self, html):
        found = PROJECT_LINK.findall(html)
        if found:
            self.project_ids = list(dict.fromkeys(found))[:50]

    def project_page(self):
        if not self.project_ids:
            return
        self.get(f"/prosjekter/{random.choice(self.project_ids)}/", name="/prosjekter/[id]/")


class Adviser(PortalUser):
    """The county adviser: the dashboard, the lists with filters, a project, a municipality."""

    weight = 3
    username = "radgiver"

    def on_start(self):
        super().on_start()
        page = self.get(
            f"/prosjekter/?program=syntetisk&side={random.randint(1, 50)}",
            name="/prosjekter/?program=syntetisk&side=[n]",
        )
        self.remember_projects(page)

    @task(4)
    def dashboard(self):
        self.get("/", name="/ (dashboard)")

    @task(3)
    def dashboard_synthetic(self):
        self.get("/?program=syntetisk", name="/?program=syntetisk (dashboard)")

    @task(1)
    def dashboard_page(self):
        self.get(
            f"/?program=syntetisk&side={random.randint(2, 20)}",
            name="/?program=syntetisk&side=[n] (dashboard)",
        )

    @task(2)
    def projects(self):
        page = self.get("/prosjekter/")
        self.remember_projects(page)

    @task(2)
    def projects_filtered(self):
        url, name = random.choice(
            [
                ("/prosjekter/?program=syntetisk&sorter=-budsjett", None),
                ("/prosjekter/?q=prosjekt&status=active", None),
                ("/prosjekter/?program=i-lag&statuslys=green", None),
                (
                    f"/prosjekter/?kommune={random.choice(SYNTHETIC_MUNICIPALITIES)}",
                    "/prosjekter/?kommune=[number]",
                ),
                (
                    f"/prosjekter/?program=syntetisk&side={random.randint(1, 200)}",
                    "/prosjekter/?program=syntetisk&side=[n]",
                ),
            ]
        )
        page = self.get(url, name=name or url)
        self.remember_projects(page)

    @task(1)
    def agreements(self):
        url = random.choice(
            ["/avtaler/?program=syntetisk", "/avtaler/?program=i-lag&status=active", "/avtaler/"]
        )
        self.get(url)

    @task(1)
    def milestones(self):
        self.get(random.choice(["/milepeler/", "/milepeler/?status=overdue"]))

    @task(1)
    def status_reports(self):
        self.get("/prosjekter/statusrapporter/")

    @task(1)
    def municipalities(self):
        self.get("/kommuner/")

    @task(3)
    def project(self):
        self.project_page()

    @task(2)
    def municipality(self):
        number = random.choice(MUNICIPALITIES + random.sample(SYNTHETIC_MUNICIPALITIES, 6))
        self.get(f"/kommuner/{number}/", name="/kommuner/[number]/")


class Leader(PortalUser):
    """A municipal project leader: «Mine prosjekter», his projects, the project list."""

    weight = 1
    leaders = itertools.cycle(["leder.snasa", "leder.meraker"])

    def on_start(self):
        self.username = next(self.leaders)
        super().on_start()
        self.my_projects()

    @task(4)
    def my_projects(self):
        page = self.get("/prosjekter/mine/")
        self.remember_projects(page)

    @task(4)
    def project(self):
        self.project_page()

    @task(2)
    def projects(self):
        self.get("/prosjekter/")

    @task(1)
    def home(self):
        # Redirects a project leader to «Mine prosjekter».
        self.get("/", name="/ (leader → mine)")

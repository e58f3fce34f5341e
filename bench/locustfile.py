"""`make soak`'s people at month-end, for Locust (bench/soak.py starts it, headless).

Each signs in through the sign-in form (the PMO with an authenticator app's code) and acts
as the role does: managers open, edit and save their reports with the version they saw, and
submit some; sponsors approve or return what is submitted; directors read the dashboard,
programmes, projects and registers, ask for PDFs and download them; the PMO starts the month's
run half-way through. What the server said is kept in a ledger (SOAK_LEDGER) that soak.py
checks against the database once the load has stopped.
"""

import itertools
import json
import os
import random
import re
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser
from soak_forms import errors, form, this_machine, totp_code, with_values

PEOPLE = json.loads(Path(os.environ["SOAK_PEOPLE"]).read_text())
PASSWORD = os.environ["SOAK_PASSWORD"]
SECRET = os.environ.get("SOAK_TOTP_SECRET", "")
MAX_REQUESTS = int(os.environ.get("SOAK_MAX_REQUESTS", "200000"))
RUN_AFTER = float(os.environ.get("SOAK_RUN_AFTER", "300"))  # seconds into the load
DOCUMENT_WAIT = 240  # seconds a director waits for a PDF before going on
STALE = "so your changes were not saved"

ledger = {
    "saves": [],  # acknowledged: {"report": [code, month], "marker": …}
    "conflicts": 0,
    "conflicts_unexplained": [],
    "saves_refused": [],
    "transitions": defaultdict(Counter),
    "documents": [],  # asked for by directors: {"id", "kind", "downloaded"}
    "downloads_bad": [],
    "packs_not_on_first_page": 0,
    "run": None,
    "sign_ins": 0,
    "signed_out": 0,  # pages answered with the sign-in page: a session ended under load
    "unsaved": [],  # the text of saves answered 409 or refused: none may be in the database
    "sign_ins_failed": [],
    "statuses": Counter(),
    "statuses_by_kind": defaultdict(Counter),
    "errors": [],
}
MANAGERS = itertools.cycle(PEOPLE["managers"])
SPONSORS = itertools.cycle(PEOPLE["sponsors"])
started = {"at": None}
environment = {}


@events.init.add_listener
def on_init(environment: object, **kwargs):
    globals()["environment"]["env"] = environment
    if not this_machine(environment.host):
        raise SystemExit(f"The soak runs against this machine only, not {environment.host!r}.")


@events.test_start.add_listener
def on_start(**kwargs):
    started["at"] = time.time()


@events.request.add_listener
def on_request(name, response, exception, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    ledger["statuses"][str(status)] += 1
    ledger["statuses_by_kind"][name][str(status)] += 1
    if status >= 500 or status == 0:
        ledger["errors"].append({"kind": name, "status": status, "error": str(exception)[:200]})
    if sum(ledger["statuses"].values()) >= MAX_REQUESTS:
        environment["env"].runner.quit()  # the request bound (SOAK_MAX_REQUESTS)


@events.test_stop.add_listener
def write_ledger(**kwargs):
    Path(os.environ["SOAK_LEDGER"]).write_text(json.dumps(ledger, indent=1))


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 5)

    def sign_in(self, username):
        page = self.client.get("/accounts/login/", name="sign in: page").text
        fields = with_values(form(page, having="password"), username=username, password=PASSWORD)
        answer = self.client.post(
            "/accounts/login/", data=fields, name="sign in: password", allow_redirects=False
        )
        if answer.headers.get("Location", "").endswith("/accounts/second-factor/"):
            page = self.client.get("/accounts/second-factor/", name="sign in: code page").text
            fields = with_values(form(page, having="code"), code=totp_code(SECRET))
            answer = self.client.post(
                "/accounts/second-factor/", data=fields, name="sign in: code",
                allow_redirects=False,
            )  # fmt: skip
        if answer.status_code != 302 or "/accounts/" in answer.headers.get("Location", ""):
            ledger["sign_ins_failed"].append([username, answer.status_code])
            raise StopUser()
        ledger["sign_ins"] += 1

    def open(self, url, name):
        page = self.client.get(url, name=name)
        if "/accounts/login/" in page.url:
            ledger["signed_out"] += 1
        return page

    def post_step(self, url, fields, step, done):
        """A transition from the report's page: posted, then the page it lands on read for
        the message that says whether it was taken."""
        answer = self.client.post(url, data=fields, name=f"report: {step}", allow_redirects=False)
        if answer.status_code != 302:
            return
        page = self.open(answer.headers["Location"], "report page").text
        ledger["transitions"][step]["taken" if done in page else "refused"] += 1


class Manager(Person):
    weight = 6

    def on_start(self):
        self.person = next(MANAGERS)
        self.sign_in(self.person["username"])

    def report(self):
        code, month = random.choice(self.person["reports"])
        return f"/projects/{code}/reports/{month}/", [code, month]

    @task(6)
    def edit_and_save(self):
        url, key = self.report()
        opened = self.client.get(url + "edit/", name="report edit: open", allow_redirects=False)
        if "/accounts/login/" in opened.headers.get("Location", ""):
            ledger["signed_out"] += 1
        if opened.status_code != 200:
            return  # submitted or approved since: it cannot be edited (the page says so)
        found = form(opened.text, having="version")
        gevent.sleep(random.uniform(1, 4))  # typing
        marker = f"Soak save {uuid.uuid4().hex}"
        fields = with_values(found, summary=marker)
        with self.client.post(
            url + "edit/", data=fields, name="report edit: save", allow_redirects=False,
            catch_response=True,
        ) as saved:  # fmt: skip
            if saved.status_code == 302:
                ledger["saves"].append({"report": key, "marker": marker, "at": time.time()})
                if "Report saved." not in self.open(saved.headers["Location"], "report page").text:
                    ledger["saves_refused"].append({"report": key, "why": "no 'Report saved.'"})
            elif saved.status_code == 409:
                ledger["conflicts"] += 1
                ledger["unsaved"].append(marker)
                if STALE not in saved.text:
                    ledger["conflicts_unexplained"].append(key)
                saved.success()  # a conflict said as one is the right answer
            elif saved.status_code == 200:
                ledger["unsaved"].append(marker)
                ledger["saves_refused"].append({"report": key, "why": errors(saved.text)})
                saved.failure("the form the page gave was refused")

    @task(1)
    def submit(self):
        url, _ = self.report()
        page = self.open(url, "report page").text
        found = form(page, action_ends="/submit/")
        if found:
            self.post_step(found["action"], found["fields"], "submit", "Report submitted")

    @task(2)
    def read(self):
        code, _ = random.choice(self.person["reports"])
        self.open(f"/projects/{code}/", "project page")


class Sponsor(Person):
    weight = 2

    def on_start(self):
        self.person = next(SPONSORS)
        self.sign_in(self.person["username"])

    @task
    def decide(self):
        code, month = random.choice(self.person["reports"])
        page = self.open(f"/projects/{code}/reports/{month}/", "report page").text
        approve = form(page, action_ends="/approve/")
        if approve is None:
            return  # not submitted (yet), or decided already
        gevent.sleep(random.uniform(1, 3))  # reading it
        if random.random() < 0.8:
            self.post_step(approve["action"], approve["fields"], "approve", "Report approved")
        else:
            back = form(page, action_ends="/return/")
            fields = with_values(back, comment="Please update the forecast before I approve.")
            self.post_step(back["action"], fields, "return", "Report returned")


class Director(Person):
    weight = 2

    def on_start(self):
        self.sign_in(random.choice(PEOPLE["directors"]))

    @task(4)
    def dashboard(self):
        self.open("/dashboard/", "dashboard")

    @task(2)
    def programme(self):
        self.open(f"/projects/{random.choice(PEOPLE['programmes'])}/", "programme page")

    @task(2)
    def project(self):
        self.open(f"/projects/{random.choice(PEOPLE['projects'])}/", "project page")

    @task(1)
    def registers(self):
        self.open("/risks/", "risk registers")
        self.open(f"/risks/{random.choice(PEOPLE['registers'])}/", "risk register")
        self.open("/risks/outside-appetite/", "outside appetite")

    @task(1)
    def documents(self):
        self.open("/documents/", "documents")

    @task(1)
    def report_pdf(self):
        """A past month's approved report, as its page's Download PDF button asks."""
        code = random.choice(PEOPLE["projects"])
        url = f"/projects/{code}/reports/{PEOPLE['past_month']}/"
        found = form(self.open(url, "report page").text, action_ends="/pdf/")
        if found:
            asked = self.client.post(
                found["action"], data=found["fields"], name="ask for a PDF", allow_redirects=False
            )
            self.wait_and_download(asked, "highlight_report")

    @task(1)
    def board_pack(self):
        """A programme's pack for a past month, asked for on the Documents page."""
        code = random.choice(PEOPLE["programmes"])
        page = self.open("/documents/", "documents").text
        fields = with_values(
            form(page, having="kind"), kind="board_pack", programme=code,
            period=PEOPLE["past_month"],
        )  # fmt: skip
        asked = self.client.post("/documents/", data=fields, name="ask for a board pack")
        title = f"Board pack {PEOPLE['programme_names'][code]} {PEOPLE['past_month_words']}"
        found = re.search(r'href="/documents/(\d+)/"[^>]*>\s*' + re.escape(title), asked.text)
        if found:
            self.wait_and_download(found.group(1), "board_pack")
        else:  # an earlier request's pack, reused, listed further down: nothing to fault
            ledger["packs_not_on_first_page"] += 1

    def wait_and_download(self, asked, kind):
        if not isinstance(asked, str):
            place = asked.headers.get("Location", "")
            if asked.status_code != 302 or not re.search(r"/documents/\d+/$", place):
                ledger["downloads_bad"].append({"kind": kind, "why": f"asked: {asked.status_code}"})
                return
            asked = place.rstrip("/").rsplit("/", 1)[1]
        entry = {"id": int(asked), "kind": kind, "downloaded": False}
        ledger["documents"].append(entry)
        deadline = time.time() + DOCUMENT_WAIT
        while time.time() < deadline:
            status = self.client.get(
                f"/documents/{asked}/", name="document status",
                headers={"HX-Request": "true", "X-Highlight-Poll": "1"},
            ).text  # fmt: skip
            if "/download/" in status:
                break
            if "could not be made" in status:
                ledger["downloads_bad"].append({"kind": kind, "why": "failed", "id": asked})
                return
            gevent.sleep(3)
        else:
            return  # still being made: soak.py counts it once the queues have drained
        pdf = self.client.get(f"/documents/{asked}/download/", name="download")
        if pdf.status_code == 200 and pdf.content.startswith(b"%PDF"):
            entry["downloaded"] = True
        else:
            ledger["downloads_bad"].append({"kind": kind, "why": f"download: {pdf.status_code}"})


class Pmo(Person):
    fixed_count = 1
    wait_time = between(5, 15)

    def on_start(self):
        self.sign_in(PEOPLE["pmo"])

    @task
    def month(self):
        page = self.open("/documents/", "documents").text
        if ledger["run"] or time.time() - (started["at"] or time.time()) < RUN_AFTER:
            return
        found = form(page, action_ends="/documents/monthly-run/")
        asked_at = time.time()
        answer = self.client.post(
            found["action"], data=with_values(found, period=PEOPLE["month"]),
            name="monthly run: start", allow_redirects=False,
        )  # fmt: skip
        page = self.open("/documents/", "documents").text
        ledger["run"] = {"asked_at": asked_at, "status": answer.status_code,
                         "started": "has started" in page}  # fmt: skip

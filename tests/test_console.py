"""The read-only console at ``GET /``: served as one page, and what a person sees in headless Chromium."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any

import pytest
import time_machine
from server_helpers import connect
from support import STREAM, TASK, notify

from pytest_migrationhub import MigrationHubFake, MigrationHubServer

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PAGE = resources.files("pytest_migrationhub._server").joinpath("console.html").read_bytes()
MARKUP_NAME = '<img src=x onerror="window.pwned=1">'
MARKUP_DETAIL = '<b id="bold">bold</b><img src=x onerror="window.pwned=2"><script>window.pwned=3</script>'
#: the one URL in the page: the SVG namespace, a name and never fetched
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def get(server: MigrationHubServer, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = connect(server)
    conn.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    response = conn.getresponse()
    answer = response.status, dict(response.getheaders()), response.read()
    conn.close()
    return answer


@pytest.mark.parametrize("path", ["/", "/console"])
def test_the_console_is_one_html_page_that_fetches_nothing_from_outside(
    mhub_server: MigrationHubServer, path: str
) -> None:
    status, headers, body = get(mhub_server, path)
    assert (status, headers["Content-Type"], body) == (200, "text/html; charset=utf-8", PAGE)
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "connect-src 'self'" in headers["Content-Security-Policy"]
    text = body.decode()
    assert set(re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text)) == {SVG_NAMESPACE}
    assert not re.search(r"<(?:link|img|iframe|object|embed)\b|<script\s+src|@import|url\(", text)
    assert "innerHTML" not in text and "insertAdjacentHTML" not in text and "document.write" not in text
    # The page only reads: no control API write method appears in it.
    assert not re.search(r"method:\s*['\"](?:POST|PUT|DELETE|PATCH)", text)


def test_the_console_is_behind_the_host_check(mhub_server: MigrationHubServer) -> None:
    status, _, body = get(mhub_server, "/", host="evil.test")
    assert status == 403
    assert b"is not a name this server answers to" in body


# --- in a browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module, driven by Debian's chromedriver (nothing downloaded)."""
    if shutil.which(CHROMIUM) is None or shutil.which(CHROMEDRIVER) is None:
        pytest.skip(
            f"the console's browser tests need {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: Any, condition: Callable[[Any], Any], timeout: float = 10) -> Any:
    from selenium.webdriver.support.wait import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


#: the text of a cell (by class) in the task row of a name, read in one go: the page redraws every second
TASK_CELL = """
for (const row of document.querySelectorAll("#tasks tr")) {
  const name = row.querySelector(".name");
  const cell = row.querySelector("." + arguments[1]);
  if (name && name.textContent === arguments[0]) return cell ? cell.textContent : "";
}
return "";
"""


def task_cell(driver: Any, name: str, column: str) -> str:
    """The text of ``column`` (a class) in the task row of ``name``, or ``""`` while there is none."""
    return str(driver.execute_script(TASK_CELL, name, column))


def click_timeline(driver: Any, row: str) -> None:
    driver.execute_script(f"document.querySelector('#tasks tr:{row} button').click()")


def shows(driver: Any, name: str, column: str, expected: str) -> Callable[[Any], bool]:
    return lambda _: task_cell(driver, name, column) == expected


@pytest.fixture
def console(browser: Any, mhub_server: MigrationHubServer, mgh: Any) -> Any:
    """The console open on a server whose fake has the stream ``SMS`` and its task ``TASK``."""
    mgh.create_progress_update_stream(ProgressUpdateStreamName=STREAM)
    mgh.import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=TASK)
    browser.get(mhub_server.endpoint_url + "/")
    return browser


def test_a_reported_task_appears_with_its_progress_and_moves_live(console: Any, mgh: Any) -> None:
    from selenium.webdriver.common.by import By

    notify(mgh, "IN_PROGRESS", 42, detail="copying disks")
    wait_for(console, shows(console, TASK, "percent", "42%"))
    assert task_cell(console, TASK, "task-status") == "IN_PROGRESS"
    assert task_cell(console, TASK, "detail") == "copying disks"
    assert task_cell(console, TASK, "is-stale") == "no"
    assert task_cell(console, TASK, "updated").startswith(str(datetime.now(timezone.utc).year))
    console.execute_script("window.notReloaded = true")
    notify(mgh, "COMPLETED", 100, detail="done")
    wait_for(console, shows(console, TASK, "percent", "100%"))
    assert task_cell(console, TASK, "task-status") == "COMPLETED"
    assert console.execute_script("return window.notReloaded") is True
    # The timeline, once asked for, draws a point per update.
    click_timeline(console, "first-child")
    wait_for(console, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#timeline-svg circle")) == 2)
    assert console.find_element(By.ID, "timeline-heading").text == f"Timeline of {STREAM} / {TASK}"
    assert len(console.find_elements(By.CSS_SELECTOR, "#updates tr")) == 2


def test_a_task_is_marked_stale_once_the_clock_passes_its_next_update(console: Any, mgh: Any) -> None:
    notify(mgh, "IN_PROGRESS", 10, next_update=60)
    wait_for(console, shows(console, TASK, "is-stale", "no"))
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(seconds=120), tick=True):
        wait_for(console, shows(console, TASK, "is-stale", "STALE (update overdue)"))


def test_the_calls_faults_denials_and_applications_are_listed(
    console: Any, mgh: Any, mhub_fake: MigrationHubFake
) -> None:
    from selenium.webdriver.common.by import By

    mhub_fake.fail("NotifyMigrationTaskState", "ThrottlingException", times=1)
    mhub_fake.deny("ListMigrationTasks")
    mhub_fake.fail("DescribeMigrationTask", "InternalServerError", times=None)
    mhub_fake.add_application("d-application-0123456789", status="IN_PROGRESS")
    with pytest.raises(Exception, match="AccessDenied"):
        mgh.list_migration_tasks()
    wait_for(console, lambda d: "REJECTED: AccessDeniedException" in d.find_element(By.ID, "calls").text)
    with pytest.raises(Exception, match="InternalServerError"):
        mgh.describe_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName="sms-1")
    # A queued fault is told apart from the service's verdict on a request.
    wait_for(console, lambda d: "FAULT (mhub_fake.fail): InternalServerError" in d.find_element(By.ID, "calls").text)
    assert "ListMigrationTasks" in console.find_element(By.ID, "denied").text
    faults = console.find_element(By.ID, "faults").text
    assert "ThrottlingException" in faults and "until cleared" in faults
    assert "d-application-0123456789" in console.find_element(By.ID, "applications").text
    mhub_fake.clear_faults()
    mhub_fake.allow("ListMigrationTasks")


def test_markup_in_a_task_name_or_detail_is_shown_as_text(console: Any, mgh: Any) -> None:
    from selenium.webdriver.common.by import By

    mgh.import_migration_task(ProgressUpdateStream=STREAM, MigrationTaskName=MARKUP_NAME)
    notify(mgh, "IN_PROGRESS", 5, task=MARKUP_NAME, detail=MARKUP_DETAIL)
    wait_for(console, shows(console, MARKUP_NAME, "detail", MARKUP_DETAIL))
    click_timeline(console, "last-child")
    wait_for(console, lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline-svg circle"))
    assert MARKUP_NAME in console.find_element(By.ID, "timeline-heading").text
    assert console.find_elements(By.TAG_NAME, "img") == []
    assert console.find_elements(By.ID, "bold") == []
    assert len(console.find_elements(By.TAG_NAME, "script")) == 1
    assert console.execute_script("return window.pwned") is None


def test_discovered_servers_agents_imports_and_exports_are_listed_as_text(
    console: Any, mhub_fake: MigrationHubFake, discovery: Any
) -> None:
    from selenium.webdriver.common.by import By

    mhub_fake.discovery_task_seconds = 0
    mhub_fake.add_discovered_resource("d-server-0a", host_name=MARKUP_NAME, os_name="Ubuntu", ip_address="10.0.0.1")
    mhub_fake.add_agent("o-0123456789abcdef0", host_name="web-1", health="SHUTDOWN")
    plan = f'ExternalId,HostName,Tags\nvm-1,web-9,"zone:{MARKUP_DETAIL.replace(",", "")}"\nvm-2,web-10,notatag\n'
    mhub_fake.add_import_file("s3://plans/p.csv", plan)
    discovery.start_import_task(name=MARKUP_NAME, importUrl="s3://plans/p.csv")
    discovery.start_export_task()
    wait_for(console, lambda d: "IMPORT_COMPLETE_WITH_ERRORS" in d.find_element(By.ID, "imports").text)
    wait_for(console, lambda d: "SUCCEEDED" in d.find_element(By.ID, "exports").text)
    servers = console.find_element(By.ID, "servers").text
    assert MARKUP_NAME in servers and "Ubuntu" in servers and "10.0.0.1" in servers and "web-9" in servers
    agents = console.find_element(By.ID, "agents").text
    assert "o-0123456789abcdef0" in agents and "SHUTDOWN" in agents and "STOPPED" in agents
    imports = console.find_element(By.ID, "imports").text
    assert MARKUP_NAME in imports and "s3://plans/p.csv" in imports
    assert "123456789012_Server.csv" in console.find_element(By.ID, "exports").text
    assert console.find_elements(By.TAG_NAME, "img") == []
    assert console.find_elements(By.ID, "bold") == []
    assert console.execute_script("return window.pwned") is None


def test_the_console_says_so_when_the_server_stops(browser: Any, mhub_fake: MigrationHubFake) -> None:
    from selenium.webdriver.common.by import By

    server = MigrationHubServer(mhub_fake).start()
    try:
        browser.get(server.endpoint_url + "/console")
        wait_for(browser, lambda d: d.find_element(By.ID, "status").text.startswith("Live"))
    finally:
        server.stop()
    wait_for(browser, lambda d: "The server is not answering" in d.find_element(By.ID, "status").text)
    assert browser.find_element(By.ID, "status").get_attribute("class") == "down"

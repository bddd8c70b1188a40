"""tellus-harness's pytest plugin: loaded by tellus-harness with ``-p tellus_harness_pytest``.

TELLUS_PYTEST_MODE chooses what it does; without it the plugin does nothing.

collect  After pytest's own collection and selection (-m, -k, the project's ini, conftest
         hooks), writes the selected items, the collection errors and the modules that skipped
         themselves as JSON to TELLUS_PYTEST_MANIFEST. pytest runs with --collect-only. (A
         worker whose place names a manifest writes it too, before it says it is ready: rank 0
         plans from its first worker's collection instead of collecting twice.)
worker   Waits for its place (below), collects the same way, then runs the node ids its rank
         sends on the channel (the socket at fd TELLUS_PYTEST_CHANNEL_FD), one at a time, and
         sends back each test's reports. One JSON object a line each way:
           rank -> worker   {"place": {"env": {NAME: VALUE}, "basetemp": DIR, "cache_dir": DIR,
                                       "manifest": FILE or "", "capture_bytes": N}}    first
                            {"run": NODEID}
           worker -> rank   {"ready": N}                   collected N items, waiting
                            {"result": {...}}              one test, all its phases; with
                                                           "stops_run" when it ended pytest's
                                                           session (pytest.exit, KeyboardInterrupt):
                                                           the tests queued after it come back
                                                           skipped, without starting
                            {"teardown_error": TEXT}       a session fixture failed at the end
         End of input: the worker tears down what is left and exits; before its place, it
         exits at once (its rank had no use for it).

A worker's place (its workspace, given to tests as TELLUS_TEST_WORKSPACE and the like, its
--basetemp and cache directory) is known only once the run is planned, while starting Python
and pytest takes about as long as MPI_Init and the plan together: a rank may start its workers
first. The place arrives before pytest loads the project's conftest.py files, so nothing of the
project runs before its environment is set; only pytest and its installed plugins are loaded.

Each test's own fixtures are torn down after it, as under plain pytest. Fixtures of wider
scope (class, module, package, session) stay up while the next test shares them; they are
torn down when the next test does not, so a failure there is reported on that next test.
"""
import faulthandler
import json
import os
import signal
import socket
import sys
import time

import pytest

MODE = os.environ.get("TELLUS_PYTEST_MODE", "")
CAPTURE_BYTES = 65536  # a worker's place says how many


def _bounded(text, limit=None):
    """The first and last limit/2 bytes of text, as the harness keeps a test's output."""
    if limit is None:
        limit = CAPTURE_BYTES
    data = text.encode("utf-8", "replace")
    if len(data) <= limit:
        return text
    half = limit // 2
    omitted = len(data) - 2 * half
    return (data[:half].decode("utf-8", "replace") + "\n[... %d bytes omitted ...]\n" % omitted +
            data[-half:].decode("utf-8", "replace"))


def _after(prefix, text):
    """text without the prefix pytest puts before a reason ("Skipped: ", "reason: ")."""
    return text[len(prefix):] if text.startswith(prefix) else text


def _timeout_of(item):
    marker = item.get_closest_marker("timeout")
    if marker is None:
        return None
    value = marker.args[0] if marker.args else marker.kwargs.get("timeout")
    try:
        return float(value)
    except (TypeError, ValueError):
        return repr(value)  # the harness says what is wrong with it


def _project_timeout(config):
    """pytest-timeout's timeout for tests without a marker (its ini `timeout`, PYTEST_TIMEOUT or
    its own --timeout), where it is installed: the project's default, before the harness's."""
    plugin = config.pluginmanager.get_plugin("timeout")
    try:
        timeout = plugin.get_env_settings(config).timeout
    except Exception:  # not installed, or not pytest-timeout
        return None
    return timeout if timeout and timeout > 0 else None


def _describe(item):
    path, lineno, _ = item.location
    markers = []
    for marker in item.iter_markers():
        if marker.name not in markers:
            markers.append(marker.name)
    return {"nodeid": item.nodeid, "path": path, "lineno": lineno if lineno is not None else -1,
            "name": item.name, "markers": markers, "keywords": sorted(item.keywords),
            "timeout": _timeout_of(item)}


def _collect_error(report):
    return {"nodeid": report.nodeid, "longrepr": _bounded(str(report.longrepr))}


def _collect_skip(report):
    """A module that skipped itself (pytest.skip(allow_module_level=True), importorskip):
    pytest counts it as one skipped test, with its reason."""
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return {"nodeid": report.nodeid, "reason": _after("Skipped: ", reason)}


class Collector:
    def __init__(self, manifest):
        self.manifest = manifest
        self.errors = []
        self.skipped = []
        self.deselected = 0

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(_collect_error(report))
        elif report.skipped:
            self.skipped.append(_collect_skip(report))

    def pytest_deselected(self, items):
        self.deselected += len(items)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_collection(self, session):
        # After the whole collection, and only when it ended well: pytest calls
        # pytest_collection_finish also when a hook raised, before its internal error.
        outcome = yield
        if outcome.excinfo is None and MODE == "collect":
            self.write(session)

    def write(self, session):
        # maxfail: the project's own -x or --maxfail N (its addopts), which the harness counts
        # over every rank; a worker's session would only count its own failures.
        manifest = {"rootdir": str(session.config.rootpath), "items": [_describe(i) for i in session.items],
                    "errors": self.errors, "skipped": self.skipped, "deselected": self.deselected,
                    "maxfail": session.config.option.maxfail or 0,
                    "default_timeout": _project_timeout(session.config)}
        tmp = self.manifest + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(manifest, f)
        os.replace(tmp, self.manifest)


class _KeepParents:
    """Stands in for "the next test shares this one's class and module": pytest's teardown
    then ends with the test's own fixtures (SetupState.teardown_exact reads listchain())."""

    def __init__(self, item):
        self._chain = item.listchain()[:-1] + [self]

    def listchain(self):
        return self._chain


def _stage(report):
    stage = {"duration": report.duration, "outcome": report.outcome}
    if report.longrepr is not None:
        stage["longrepr"] = _bounded(str(report.longrepr))
        crash = getattr(report.longrepr, "reprcrash", None)
        if crash is not None:
            stage["crash"] = {"path": crash.path, "lineno": crash.lineno, "message": _bounded(crash.message)}
    # This phase's own output: report.capstdout also holds the earlier phases'.
    for key, title in (("stdout", "Captured stdout "), ("stderr", "Captured stderr "), ("log", "Captured log ")):
        text = "".join(content for name, content in report.sections if name == title + report.when)
        if text:
            stage[key] = _bounded(text)
    return stage


def _reason(report, category):
    if category in ("xfailed", "xpassed"):
        return _after("reason: ", getattr(report, "wasxfail", ""))
    if category == "skipped" and isinstance(report.longrepr, tuple):
        return _after("Skipped: ", report.longrepr[2])
    if report.longrepr is None:
        return ""
    # The crash's one line first, as pytest's short summary shows it, then the whole report.
    crash = getattr(report.longrepr, "reprcrash", None)
    text = _bounded(str(report.longrepr))
    return "%s\n\n%s" % (crash.message, text) if crash is not None else text


class Channel:
    """The worker's end of its rank's socket."""

    def __init__(self, fd):
        os.set_inheritable(fd, False)  # not for the processes tests start
        self.socket = socket.socket(fileno=fd)
        self.input = self.socket.makefile("rb")
        self.place = None

    def send(self, message):
        self.socket.sendall((json.dumps(message) + "\n").encode("utf-8", "replace"))

    def await_place(self):
        line = self.input.readline()
        if not line:  # the rank had no use for this worker (or is gone): nothing has started
            os._exit(0)
        self.place = json.loads(line)["place"]
        return self.place


class Worker:
    def __init__(self, config, channel, collector):
        self.config = config
        self.collector = collector
        self.channel = channel
        self.input = channel.input
        self.reports = []
        self.collected = 0

    def send(self, message):
        self.channel.send(message)

    def pytest_runtest_logreport(self, report):
        self.reports.append(report)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_collection(self, session):
        outcome = yield
        if outcome.excinfo is not None:  # pytest ends with its error; the rank reports it
            return
        self.collected = len(session.items)
        if self.collector is not None:
            self.collector.write(session)
        self.send({"ready": self.collected})

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        items = {item.nodeid: item for item in session.items}
        stopped = None  # once a test ended the session: the tests still queued here do not start
        for line in self.input:
            nodeid = json.loads(line)["run"]
            if stopped is not None:
                self.send({"result": {"nodeid": nodeid, "outcome": "skipped", "phase": "setup", "longrepr": stopped}})
                continue
            item = items.get(nodeid)
            if item is None:
                self.send({"result": {"nodeid": nodeid, "outcome": "error", "phase": "setup",
                                      "longrepr": "this worker's pytest did not collect %s (of %d items): "
                                                  "collection differs between processes" % (nodeid, self.collected)}})
                continue
            result = self.run(item)
            stopped = result.get("stops_run")
            self.send({"result": result})
        try:
            session._setupstate.teardown_exact(None)
        except BaseException as e:  # a session or module fixture's teardown
            self.send({"teardown_error": _bounded("%s: %s" % (type(e).__name__, e))})
        return True

    def run(self, item):
        from _pytest.runner import CallInfo

        self.reports = []
        start = time.time()
        # Wider fixtures of earlier tests that this one does not share end now; their failure is
        # this test's setup error, with pytest's report of it.
        ending = CallInfo.from_call(lambda: item.session._setupstate.teardown_exact(item), when="setup")
        inherited = None
        if ending.excinfo is not None:
            inherited = item.ihook.pytest_runtest_makereport(item=item, call=ending)
        ended = None
        try:
            item.ihook.pytest_runtest_protocol(item=item, nextitem=_KeepParents(item))
        except (pytest.exit.Exception, KeyboardInterrupt) as e:  # pytest's ways to end a session
            ended = e
        stop = time.time()
        result = {"nodeid": item.nodeid, "outcome": "passed", "phase": "call", "longrepr": "", "stages": {},
                  "keywords": sorted(item.keywords), "start": start, "stop": stop}
        for report in self.reports:
            result["stages"][report.when] = _stage(report)
            category = self.config.hook.pytest_report_teststatus(report=report, config=self.config)[0]
            if category not in ("passed", ""):
                # As pytest-json-report: the last phase that did not pass decides.
                result.update(outcome=category, phase=report.when, longrepr=_reason(report, category))
        if inherited is not None:
            text = "error in the teardown of fixtures set up for an earlier test:\n" + _bounded(str(inherited.longrepr))
            result.update(outcome="error", phase="setup",
                          longrepr=text + ("\n\n" + result["longrepr"] if result["longrepr"] else ""))
        if ended is not None:
            self._end_session(result, ended, item)
        return result

    @staticmethod
    def _end_session(result, ended, item):
        """The test or one of its fixtures ended pytest's session (pytest.exit, KeyboardInterrupt),
        in the phase after the last one reported: it ends there, and so does the run, as pytest
        would end; what it had set up is torn down with the session."""
        if isinstance(ended, pytest.exit.Exception):
            words = "pytest.exit: %s" % (ended.msg,)
        else:
            words = type(ended).__name__ + (": %s" % ended if str(ended) else "")
        stages = result["stages"]
        phase = ("setup", "call", "teardown")[min(len(stages), 2)]
        text = "%s\n\nThe run stops here: no further test starts on any rank." % words
        took = result["stop"] - result["start"] - sum(stage["duration"] for stage in stages.values())
        stages[phase] = {"duration": max(took, 0.0), "outcome": "failed", "longrepr": text,
                         "crash": {"path": item.location[0], "lineno": item.location[1], "message": words}}
        result.update(outcome="failed" if phase == "call" else "error", phase=phase, longrepr=text,
                      stops_run="the run stopped: %s (in %s)" % (words, item.nodeid))


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, args):
    """A worker takes its place before the project's first conftest.py is loaded."""
    if MODE != "worker":
        return
    global CAPTURE_BYTES
    place = _CHANNEL.await_place()
    for name, value in place["env"].items():
        os.environ[name] = value
    CAPTURE_BYTES = int(place["capture_bytes"])
    # The worker's own --basetemp last, after the project's addopts: pytest empties it when a
    # session starts, so workers must never share one. (The command line's is refused.)
    end = args.index("--") if "--" in args else len(args)
    args[end:end] = ["--basetemp", place["basetemp"]]
    # The cache directory as if given first on the command line: the user's own -o still wins.
    early_config._override_ini = ("cache_dir=" + place["cache_dir"],) + tuple(getattr(early_config, "_override_ini", ()))


def pytest_internalerror(excrepr, excinfo):
    """pytest's own error (a conftest hook that raised, say), in one line on the real stderr for
    the harness's message: a worker's terminal output, with pytest's traceback, goes nowhere."""
    if not MODE:
        return
    where = excinfo.traceback[-1] if excinfo.traceback else None
    line = "pytest stopped with an internal error: " + excinfo.exconly().strip()
    if where is not None:
        line += " (%s:%d, in %s)" % (where.path, where.lineno + 1, where.name)
    stream = _stderr if MODE == "worker" else sys.stderr
    stream.write(line + "\n")
    stream.flush()


# pytest-timeout's hooks (2.1 and later), for when it is installed: a test's timeout is the
# harness's, times the profile's multiplier, and past it the harness ends the worker and what
# it started. pytest-timeout's own timer would end the test at 1x, in the worker.
@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_timeout_set_timer(item, settings):
    return True if MODE == "worker" else None


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_timeout_cancel_timer(item):
    return True if MODE == "worker" else None


def _without_xdist(config):
    """A project's own -n or --dist (pytest-xdist, often in its addopts) would make each worker
    an xdist controller that collects nothing and starts workers of its own: the harness spreads
    the tests. xdist's pytest_configure, which starts that controller, runs after this one."""
    if getattr(config.option, "dist", "no") != "no":
        config.option.dist = "no"
        config.option.numprocesses = None
        config.option.tx = []


def pytest_configure(config):
    if MODE:
        _without_xdist(config)
    if MODE == "collect":
        config.pluginmanager.register(Collector(os.environ["TELLUS_PYTEST_MANIFEST"]), "tellus-harness-collector")
    elif MODE == "worker":
        collector = None
        if _CHANNEL.place["manifest"]:
            collector = Collector(_CHANNEL.place["manifest"])
            config.pluginmanager.register(collector, "tellus-harness-collector")
        config.pluginmanager.register(Worker(config, _CHANNEL, collector), "tellus-harness-worker")


if MODE == "worker":
    _CHANNEL = Channel(int(os.environ["TELLUS_PYTEST_CHANNEL_FD"]))
    # pytest's terminal output is the rank's business, not the test's: it goes nowhere. The
    # real stderr stays, for crashes; on SIGTERM (a timeout) the Python stacks go there first,
    # so the report says where the test hung.
    _stderr = os.fdopen(os.dup(2), "w")
    faulthandler.register(signal.SIGTERM, file=_stderr, all_threads=True, chain=True)
    _null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(_null, 1)
    os.close(_null)

#!/usr/bin/env python3
"""Evaluates every PromQL expression of the Grafana dashboards and the Prometheus rules against a Prometheus
that scrapes a running identity-audit demo. Called by scripts/check-promql.sh, which starts both; the rules and
what is expected of them are described in docs/dashboards.md ("How the queries are checked").

Standard library only. Talks to 127.0.0.1 only.
"""

import argparse
import json
import math
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

JOB = "identity-audit"
STREAM_CONSUMER_LAG = ('kafka_consumer_fetch_manager_records_lag{job="%s", '
                       'client_id=~".+-StreamThread-[0-9]+-consumer"}' % JOB)
DESCRIPTION_PARTS = ("**Normal:**", "**Abnormal:**", "**Action:**")
# Grafana's built-in interval variables, and what they stand for in this short run.
RATE_INTERVAL = "1m"
INTERVAL = "5s"
# Resolution of the range queries, in seconds.
STEP = 5


class Prometheus:
    def __init__(self, url):
        parsed = urllib.parse.urlparse(url)
        if parsed.hostname != "127.0.0.1":
            raise SystemExit(f"refusing to talk to {url}: this check only talks to 127.0.0.1")
        self.url = url.rstrip("/")

    def _call(self, path, params=None, post=True):
        data = urllib.parse.urlencode(params or {}, doseq=True).encode()
        if post:
            request = urllib.request.Request(self.url + path, data=data, method="POST")
        else:
            request = urllib.request.Request(self.url + path + ("?" + data.decode() if data else ""))
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:
            try:
                return json.load(e)
            except ValueError:
                return {"status": "error", "errorType": f"http {e.code}", "error": str(e)}

    def query(self, expr, at=None):
        params = {"query": expr}
        if at is not None:
            params["time"] = f"{at:.3f}"
        return self._call("/api/v1/query", params)

    def query_range(self, expr, start, end, step):
        return self._call("/api/v1/query_range", {"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}",
                                                  "step": step})

    def format(self, expr):
        answer = self._call("/api/v1/format_query", {"query": expr})
        return answer["data"] if answer.get("status") == "success" else None

    def label_values(self, label, match):
        return self._call(f"/api/v1/label/{urllib.parse.quote(label)}/values", {"match[]": match}, post=False)

    def rules(self):
        return self._call("/api/v1/rules", post=False)

    def scalar(self, expr):
        answer = self.query(expr)
        if answer.get("status") != "success" or not answer["data"]["result"]:
            return None
        return float(answer["data"]["result"][0]["value"][1])


def finite(value):
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def summarize(answer):
    """(parsed, series, series with at least one finite value, error text)"""
    if answer.get("status") != "success":
        return False, 0, 0, f'{answer.get("errorType", "?")}: {answer.get("error", "?")}'
    data = answer["data"]
    result = data["result"]
    if data["resultType"] in ("scalar", "string"):
        return True, 1, 1 if finite(result[1]) else 0, ""
    if data["resultType"] == "matrix":
        with_data = sum(1 for s in result if any(finite(v) for _, v in s["values"]))
    else:
        with_data = sum(1 for s in result if finite(s["value"][1]))
    return True, len(result), with_data, ""


def squash(expr):
    return re.sub(r"\s+", "", expr)


class Report:
    def __init__(self):
        self.failures = []
        self.checked = 0

    def ok(self, what, detail=""):
        self.checked += 1
        print(f"  ok    {what}" + (f"  ({detail})" if detail else ""))

    def fail(self, what, why):
        self.checked += 1
        self.failures.append(f"{what}: {why}")
        print(f"  FAIL  {what}: {why}")


def wait_for_demo(prom, events, timeout, pids):
    """Waits until every demo event has been judged and scraped, and the metrics that appear late are there."""
    conditions = [
        (f"every one of the {events} demo events judged and scraped",
         f'sum(identity_validations_total{{job="{JOB}"}})', lambda v: v is not None and v >= events),
        ("per-partition consumer lag of the stream threads (Micrometer binds it within about a minute)",
         f"count({STREAM_CONSUMER_LAG})", lambda v: v is not None and v > 0),
        ("recording rules evaluated on the demo's traffic",
         "count(tenant:identity_rejection_ratio:avg1d)", lambda v: v is not None and v > 0),
    ]
    deadline = time.time() + timeout
    last_print = 0
    while True:
        for pid in pids:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                raise SystemExit(f"process {pid} (demo or Prometheus) exited before the check could run")
        values = [(name, prom.scalar(expr), test) for name, expr, test in conditions]
        missing = [(name, value) for name, value, test in values if not test(value)]
        if not missing:
            return
        if time.time() > deadline:
            raise SystemExit("timed out waiting for the demo's metrics: "
                             + "; ".join(f"{name} (now {value})" for name, value in missing))
        if time.time() - last_print > 10:
            print("  waiting for: " + "; ".join(f"{name} (now {value})" for name, value in missing), flush=True)
            last_print = time.time()
        time.sleep(2)


def datasource_uid(path):
    """The uid of the one provisioned datasource (a two-level YAML file: no parser needed)."""
    text = Path(path).read_text()
    uids = re.findall(r"^\s+uid:\s*[\"']?([A-Za-z0-9_.-]+)[\"']?\s*$", text, re.MULTILINE)
    types = re.findall(r"^\s+type:\s*[\"']?([a-z]+)[\"']?\s*$", text, re.MULTILINE)
    if len(uids) != 1 or types != ["prometheus"]:
        raise SystemExit(f"{path} must provision exactly one Prometheus datasource with a fixed uid "
                         f"(found uids {uids}, types {types})")
    return uids[0]


def check_datasources(node, uid, where, report, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "datasource":
                found.append(value)
                if value != {"type": "prometheus", "uid": uid}:
                    report.fail(where, f"datasource {json.dumps(value)} is not the provisioned "
                                       f'{{"type": "prometheus", "uid": "{uid}"}}')
            else:
                check_datasources(value, uid, where, report, found)
    elif isinstance(node, list):
        for item in node:
            check_datasources(item, uid, where, report, found)


def substitute(expr, values):
    """Replaces $var, ${var} and [[var]] like Grafana. $1, $2 ... are label_replace() references, which Grafana
    leaves alone too; any other unknown name is an error here (Grafana would send it to Prometheus as is)."""
    def replace(match):
        name = match.group(1) or match.group(2) or match.group(3)
        if name.isdigit():
            return match.group(0)
        if name not in values:
            raise KeyError(name)
        return values[name]
    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)", replace, expr)


def resolve_variables(prom, dashboard, builtins, report):
    values = dict(builtins)
    name = dashboard["uid"]
    for variable in dashboard.get("templating", {}).get("list", []):
        var = variable["name"]
        if variable.get("type") != "query":
            report.fail(f"{name} ${var}", f"variable type {variable.get('type')} is not handled by this check")
            continue
        query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
        match = re.fullmatch(r"\s*label_values\((.+),\s*(\w+)\s*\)\s*", query)
        if not match:
            report.fail(f"{name} ${var}", f"only label_values(selector, label) is handled, got {query}")
            continue
        selector = substitute(match.group(1), values)
        answer = prom.label_values(match.group(2), selector)
        options = answer.get("data") or []
        if answer.get("status") != "success" or not options:
            report.fail(f"{name} ${var}", f"{query} has no values in the demo ({answer.get('error', 'none')})")
            values[var] = ".*"
            continue
        if variable.get("includeAll"):
            values[var] = variable.get("allValue") or "(" + "|".join(re.escape(o) for o in options) + ")"
        else:
            values[var] = sorted(options)[0]
        report.ok(f"{name} ${var}", f"{len(options)} values: {', '.join(sorted(options)[:8])}; using {values[var]}")
    return values


def check_dashboard(prom, path, uid, allowed_empty, start, now, report):
    dashboard = json.loads(Path(path).read_text())
    name = dashboard.get("uid") or path.name
    print(f"\nDashboard {path} (uid {name})")
    text = Path(path).read_text()
    if "${DS_" in text or "__inputs" in dashboard:
        report.fail(name, "exported with datasource inputs (${DS_...}); reference the provisioned uid instead")
    found = []
    check_datasources(dashboard, uid, name, report, found)
    if found and not any(f"{name}: datasource" in f for f in report.failures):
        report.ok(f"{name} datasources", f"all {len(found)} references are uid {uid}")
    range_seconds = max(60, int(math.ceil(now - start)))
    builtins = {"__rate_interval": RATE_INTERVAL, "__interval": INTERVAL, "__range": f"{range_seconds}s",
                "__range_s": str(range_seconds), "__range_ms": str(range_seconds * 1000)}
    values = resolve_variables(prom, dashboard, builtins, report)
    panels = []
    for panel in dashboard.get("panels", []):
        panels.append(panel)
        panels.extend(panel.get("panels", []))
    for panel in panels:
        if panel.get("type") == "row":
            continue
        title = panel.get("title", "?")
        description = panel.get("description", "")
        missing = [part for part in DESCRIPTION_PARTS if part not in description]
        if missing:
            report.fail(f"{name} / {title}", f"description lacks {', '.join(missing)}")
        if "datasource" not in panel:
            report.fail(f"{name} / {title}", "panel has no datasource (it would use Grafana's default)")
        if not panel.get("targets"):
            report.fail(f"{name} / {title}", "panel has no query")
        for target in panel.get("targets", []):
            ref = target.get("refId", "?")
            what = f"{name} / {title} / {ref}"
            if "datasource" not in target:
                report.fail(what, "target has no datasource")
            try:
                expr = substitute(target["expr"], values)
            except KeyError as e:
                report.fail(what, f"unknown variable ${e.args[0]}")
                continue
            if target.get("instant"):
                answer = prom.query(expr, at=now)
            else:
                # Steps counted back from now, so the last one is now (metrics that appeared last are seen).
                answer = prom.query_range(expr, now - math.ceil((now - start) / STEP) * STEP, now, f"{STEP}s")
            parsed, series, with_data, error = summarize(answer)
            if not parsed:
                report.fail(what, f"does not evaluate: {error}\n        {expr}")
            elif with_data == 0:
                reason = allowed_empty.get((name, title, ref))
                if reason:
                    report.ok(what, f"empty, allowed: {reason}")
                else:
                    report.fail(what, f"returns no series with a value ({series} series, all NaN or none)"
                                      f"\n        {expr}")
            else:
                report.ok(what, f"{with_data} series")
    return dashboard


def check_rules(prom, expectations, report):
    print("\nRules loaded by Prometheus (prometheus/recording-rules.yml, prometheus/alerts.yml)")
    answer = prom.rules()
    groups = answer.get("data", {}).get("groups", [])
    rules = [rule for group in groups for rule in group["rules"]]
    if not rules:
        report.fail("rules", "Prometheus loaded no rules")
        return []
    alerts = {}
    for rule in rules:
        what = f"{rule['type']} {rule['name']}"
        if rule.get("health") != "ok" or rule.get("lastError"):
            report.fail(what, f"evaluation health {rule.get('health')}: {rule.get('lastError')}")
        if rule["type"] == "recording":
            parsed, series, with_data, error = summarize(prom.query(rule["name"]))
            if with_data:
                report.ok(what, f"{with_data} series recorded")
            else:
                report.fail(what, f"recorded no series with a value from the demo {error}")
        else:
            alerts[rule["name"]] = rule

    alert_expectations = expectations["alerts"]
    for name in sorted(set(alert_expectations) - set(alerts)):
        report.fail(f"alert {name}", "listed in scripts/promql-expectations.json but not loaded by Prometheus")
    for name, rule in alerts.items():
        what = f"alert {name}"
        expected = alert_expectations.get(name)
        if expected is None:
            report.fail(what, "has no entry in scripts/promql-expectations.json: say which part of it must have "
                              "data in the demo")
            continue
        parsed, series, with_data, error = summarize(prom.query(rule["query"]))
        if not parsed:
            report.fail(what, f"does not evaluate: {error}")
            continue
        firing_now = series > 0
        demo = expected.get("demo", "either")
        if demo == "fires" and not firing_now:
            report.fail(what, "the demo provokes this condition, but the expression returns no series")
        elif demo == "quiet" and firing_now:
            report.fail(what, f"must not match in a healthy demo, but returns {series} series: "
                              f"{[s['metric'] for s in prom.query(rule['query'])['data']['result']][:3]}")
        else:
            report.ok(what, f"expression evaluates; {series} series now (demo: {demo})")
        whole = squash(rule["query"])
        for part in expected.get("series", []):
            formatted = prom.format(part)
            if formatted is None:
                report.fail(f"{what} / {part}", "does not parse")
                continue
            if squash(formatted) not in whole:
                report.fail(f"{what} / {part}", "is not a part of the alert's expression (compared after "
                                                "Prometheus' own formatting); keep the two in step")
                continue
            parsed, series, with_data, error = summarize(prom.query(part))
            if with_data:
                report.ok(f"{what} / {part}", f"{with_data} series")
            else:
                report.fail(f"{what} / {part}", f"returns no series with a value in the demo {error}")
        if demo != "fires" and not expected.get("series"):
            report.fail(what, "lists no 'series': nothing shows that its inputs exist")
    return rules


def check_docs(prom, rules, docs_dir, report):
    print("\nDocumentation")
    metrics_doc = (docs_dir / "metrics.md").read_text()
    dashboards_doc = (docs_dir / "dashboards.md").read_text()
    names = prom.label_values("__name__", f'{{job="{JOB}"}}').get("data", [])
    families = sorted({re.sub(r"_(bucket|count|sum|max)$", "", n) for n in names if n.startswith("identity_")})
    undocumented = [family for family in families if f"`{family}" not in metrics_doc]
    if not families:
        report.fail("docs/metrics.md", "the scrape has no identity_* metric to compare with")
    elif undocumented:
        report.fail("docs/metrics.md", f"does not describe {', '.join(undocumented)}, which the demo exports")
    else:
        report.ok("docs/metrics.md", f"describes all {len(families)} identity_* families of the scrape")
    unmentioned = [rule["name"] for rule in rules if f"`{rule['name']}`" not in dashboards_doc]
    if unmentioned:
        report.fail("docs/dashboards.md", f"does not mention the rules {', '.join(unmentioned)}")
    else:
        report.ok("docs/dashboards.md", f"mentions all {len(rules)} rules")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prometheus", required=True)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--since", type=float, required=True, help="epoch seconds when the demo started")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--watch-pid", type=int, action="append", default=[])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()

    root = args.root
    prom = Prometheus(args.prometheus)
    expectations = json.loads((root / "scripts" / "promql-expectations.json").read_text())
    allowed_empty = {(e["dashboard"], e["panel"], e["refId"]): e["why"]
                     for e in expectations.get("panels_may_be_empty", [])}

    print(f"Waiting for the demo's traffic in Prometheus ({args.prometheus})", flush=True)
    wait_for_demo(prom, args.events, args.timeout, args.watch_pid)
    # A few more scrapes and rule evaluations after the last condition came true.
    time.sleep(5)

    report = Report()
    uid = datasource_uid(root / "grafana" / "provisioning" / "datasources" / "prometheus.yml")
    now = time.time()
    dashboards = sorted((root / "grafana" / "dashboards").glob("*.json"))
    if not dashboards:
        report.fail("grafana/dashboards", "no dashboard found")
    uids = []
    for path in dashboards:
        uids.append(check_dashboard(prom, path, uid, allowed_empty, args.since, now, report).get("uid"))
    if len(set(uids)) != len(uids) or None in uids:
        report.fail("grafana/dashboards", f"every dashboard needs its own fixed uid, got {uids}")
    rules = check_rules(prom, expectations, report)
    check_docs(prom, rules, root / "docs", report)

    print(f"\npromql: {report.checked - len(report.failures)} passed, {len(report.failures)} failed")
    if report.failures:
        print("\nFailed:")
        for failure in report.failures:
            print("  - " + failure.splitlines()[0])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

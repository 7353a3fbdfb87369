"""The eligibility rules issue 11 adds to directory/eligibility: a row's own note (row_note) and the caller's
facts (caller_facts), decided on the real registry through the same code the API runs."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from directory.eligibility import CallerFacts, EligibilityContext, decide, subject

PROTON = "复旦大学附属质子重离子医院"


@pytest.fixture(scope="module")
def ctx_conn(registry):
    conn = sqlite3.connect(registry)
    conn.row_factory = sqlite3.Row
    yield EligibilityContext.load(conn), conn
    conn.close()


def _hid(conn, name: str) -> str:
    return conn.execute("select id from hospitals where name = ?", (name,)).fetchone()[0]


def _conditions(conn, sid: str) -> list[dict]:
    return [dict(r) for r in conn.execute("select * from service_conditions where service_id = ?", (sid,))]


def test_row_note_rules_out_the_services_it_does_not_name(ctx_conn):
    ctx, conn = ctx_conn
    hid = _hid(conn, PROTON)
    for sid in ("001-inpatient-coordination", "001-surgery-coordination"):
        v = decide(ctx, ctx.services[sid], subject(conn, ctx.services[sid], hid))
        assert v.verdict == "not_eligible"
        [failing] = v.failing
        assert failing.rule == "row_note" and "《都汇康健增值服务手册》第 616 行" in failing.say and "仅适用于" in failing.say
        assert v.evidence[0]["line"] == 616
    ok = decide(ctx, ctx.services["001-specialist-outpatient"],
                subject(conn, ctx.services["001-specialist-outpatient"], hid))
    assert ok.verdict == "eligible" and "row_note" not in {r.rule for r in ok.results}


def test_a_hospital_without_a_note_is_not_touched(ctx_conn):
    ctx, conn = ctx_conn
    s = ctx.services["001-inpatient-coordination"]
    hid = conn.execute("select hospital_id from listings where table_id = '001-domestic-network' "
                       "and row_note is null limit 1").fetchone()[0]
    v = decide(ctx, s, subject(conn, s, hid))
    assert v.verdict == "eligible" and [r.rule for r in v.results] == ["listed"]


def test_caller_facts_decide_when_given(ctx_conn):
    ctx, conn = ctx_conn
    s = ctx.services["000-overseas-treatment"]
    sub = subject(conn, s, _hid(conn, "Mayo Clinic 梅奥诊所"))
    low = decide(ctx, s, sub, [CallerFacts(s, _conditions(conn, s.id), sum_insured=30)])
    assert low.verdict == "not_eligible" and "50 万元" in low.say and "《中宏保险健康管理服务手册》第 30 行" in low.say
    high = decide(ctx, s, sub, [CallerFacts(s, _conditions(conn, s.id), sum_insured=50)])
    assert high.verdict == "eligible"
    # not given: the rule says nothing (the answer asks instead)
    assert decide(ctx, s, sub, [CallerFacts(s, _conditions(conn, s.id))]).verdict == "eligible"
    g = ctx.services["001-global-consultation"]
    gsub = subject(conn, g, _hid(conn, "Mayo Clinic 梅奥诊所"))
    early = decide(ctx, g, gsub, [CallerFacts(g, _conditions(conn, g.id), policy_start=date(2024, 1, 1),
                                              diagnosed_on=date(2024, 1, 31))])
    late = decide(ctx, g, gsub, [CallerFacts(g, _conditions(conn, g.id), policy_start=date(2024, 1, 1),
                                             diagnosed_on=date(2024, 2, 1))])
    assert early.verdict == "not_eligible" and late.verdict == "eligible"  # 30 days from the day after (001:13-15)
    # a waiting period "同保单" with no number cannot be decided from dates: the verdict says what to check
    gc = ctx.services["002-green-channel"]
    v = decide(ctx, gc, subject(conn, gc, _hid(conn, "北京协和医院")),
               [CallerFacts(gc, _conditions(conn, gc.id), policy_start=date(2024, 1, 1), diagnosed_on=date(2024, 6, 1))])
    assert v.verdict == "unknown" and [f.name for f in v.to_check] == ["waiting_period"]

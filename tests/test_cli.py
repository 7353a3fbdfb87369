"""Every CLI command has --help and is documented in the README."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from directory.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_has_help(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output) > 100


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_is_documented_in_readme(name):
    assert f"`hospnet {name}" in README


def test_eligibility_command_answers_in_chinese(registry):
    result = CliRunner().invoke(cli, ["eligibility", "北京大学深圳医院", "--service", "000-mdt", "--db", str(registry)])
    assert result.exit_code == 0, result.output
    assert "结论：符合条件（eligible）" in result.output
    assert "手册依据：《中宏保险健康管理服务手册》第 341 行“北京大学深圳医院”" in result.output
    assert "列在MDT 多学科会诊名单中（《中宏保险健康管理服务手册》第 341 行：“北京大学深圳医院”）" in result.output
    result = CliRunner().invoke(cli, ["eligibility", "浙江大学医学院附属第一医院", "--service", "医疗垫付",
                                      "--db", str(registry)])
    assert result.exit_code == 0, result.output
    assert "[✓ 满足] 服务区域：杭州市在医疗垫付覆盖城市中" in result.output
    assert "医院等级：三级甲等（来源载明" in result.output


def test_eligibility_command_json_is_the_api_answer(registry):
    import json

    result = CliRunner().invoke(cli, ["eligibility", "北京协和医院", "--service", "癌症早筛", "--db", str(registry),
                                      "--json"])
    body = json.loads(result.output)
    assert body["verdict"] == "unknown" and body["verdict_label"] == "待核实"
    assert any("1494–1578" in n for n in body["notes"])


def test_nearest_command_answers_in_chinese(registry):
    result = CliRunner().invoke(cli, ["nearest", "--service", "医疗垫付", "--city", "中卫", "--db", str(registry)])
    assert result.exit_code == 0, result.output
    assert "中卫市在医疗垫付覆盖城市中" in result.output and "暂无" in result.output
    result = CliRunner().invoke(cli, ["nearest", "--service", "重疾绿通", "--insurer", "众安", "--city", "海淀区",
                                      "--limit", "2", "--db", str(registry)])
    assert result.exit_code == 0, result.output
    assert "来电者位置按海淀区的中心点估算" in result.output and "距离说明：" in result.output


@pytest.mark.parametrize("args, words", [
    (["nearest", "--service", "MDT", "--city", "深圳"], ["对应多个服务", "000-mdt", "002-critical-mdt"]),
    (["nearest", "--service", "重疾绿通", "--city", "火星城"], ["找不到这个地点"]),
    (["nearest", "--service", "重疾绿通", "--city", "朝阳区"], ["有多个同名地点", "110105"]),
    (["eligibility", "绝对不存在的某某医院", "--service", "000-mdt"], ["找不到医院"]),
    (["eligibility", "协和", "--service", "重疾绿通", "--insurer", "众安"], ["有歧义", "北京协和医院", "城市"]),
    (["eligibility", "北京协和医院", "--service", "000-mdt", "--min-grade", "特级"], ["--min-grade", "不是医院等级", "特级"]),
])
def test_cli_errors_say_what_is_wrong(registry, args, words):
    result = CliRunner().invoke(cli, [*args, "--db", str(registry)])
    assert result.exit_code != 0 and all(w in result.output for w in words), result.output


def test_cli_names_a_missing_registry(tmp_path):
    result = CliRunner().invoke(cli, ["nearest", "--service", "重疾绿通", "--city", "温州", "--db",
                                      str(tmp_path / "nope.db")])
    assert result.exit_code != 0 and "无法打开登记册" in result.output and "nope.db" in result.output


def test_eligibility_command_takes_a_city_for_short_names_and_folds_text(registry):
    result = CliRunner().invoke(cli, ["eligibility", "协和", "--city", "武汉", "--service", "重疾綠通", "--insurer",
                                      "眾安", "--db", str(registry)])
    assert result.exit_code == 0, result.output
    # the header names the hospital and its place (province, city, and the district once a source gives one)
    assert result.output.startswith("华中科技大学同济医学院附属协和医院（湖北省 武汉市")
    assert "— 重疾绿通" in result.output.splitlines()[0]

"""The office's identity is content (office.yaml), validated with errors that say what to write."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from statpub.kernel.config import Settings, resolve_settings
from statpub.kernel.errors import ValidationFailed
from statpub.kernel.office import LOCAL_BASE_URL, load_office, published_office
from tests.etl.builder import OFFICE, MiniRoot


def _root(tmp_path: Path, **changes) -> MiniRoot:
    mini = MiniRoot(tmp_path)
    mini.write_office({**OFFICE, **changes})
    mini.add("r1", "2024-04-19T10:00:00+08:00", ["GDP"], [{"file": "d.csv", "layout": "long"}])
    return mini


def _problems(mini: MiniRoot) -> list[tuple[str | None, str]]:
    with pytest.raises(ValidationFailed) as info:
        load_office(mini.settings.content)
    return [(p.column, p.message) for p in info.value.problems]


def test_office_yaml_gives_every_part_of_the_identity(tmp_path):
    office = load_office(_root(tmp_path).settings.content)
    assert office.site_title("en") == "Testville Data" and office.office("zh") == "测试市统计局"
    assert office.licence.spdx == "CC0-1.0" and office.host == "data.testville.example"
    assert office.licence_line() == ("CC0 1.0 公共领域贡献 / CC0 1.0 Universal Public Domain Dedication "
                                     "https://creativecommons.org/publicdomain/zero/1.0/")
    assert not office.demo and office.notice is None


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"colours": {"accent": "#9fc5ff"}}, "colours", "too light to read"),
    ({"demo": True}, None, "give `notice`"),
    ({"base_url": "stats.example.org"}, "base_url", "http(s) address"),
    ({"base_url": "https://stats.example.org/site"}, "base_url", "without a path"),
    ({"logo": "../logo.svg"}, "logo", "beside office.yaml"),
    ({"logo": "logo.gif"}, "logo", "must be one of"),
    ({"logo": "logo.svg"}, "logo", "not found"),
    ({"licence": {"name": {"zh": "公共领域", "en": "Public domain"}}}, "licence.url", "address of the licence"),
    ({"name": {"zh": "某局"}}, "name.en", "required"),
])
def test_a_mistake_names_its_field_and_what_to_write(tmp_path, changes, field, words):
    problems = _problems(_root(tmp_path, **changes))
    assert any((field is None or column == field) and words in message for column, message in problems), problems


def test_an_older_catalogue_still_names_the_office(tmp_path):
    mini = _root(tmp_path)
    (tmp_path / "releases" / "office.yaml").unlink()
    catalogue = yaml.safe_load((tmp_path / "releases" / "catalogue.yaml").read_text(encoding="utf-8"))
    catalogue = {"office": {"zh": "旧局", "en": "Old office"}, "licence": {"zh": "旧许可", "en": "old licence"},
                 **catalogue}
    (tmp_path / "releases" / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True),
                                                          encoding="utf-8")
    office = load_office(mini.settings.content)
    assert office.office("en") == "Old office" and office.licence_text("zh") == "旧许可"
    assert office.base_url == LOCAL_BASE_URL


def test_no_identity_at_all_says_to_write_office_yaml(tmp_path):
    mini = _root(tmp_path)
    (tmp_path / "releases" / "office.yaml").unlink()
    assert any("write releases/office.yaml" in message for _c, message in _problems(mini))


def test_the_base_url_can_be_overridden_for_a_local_server(tmp_path):
    mini = _root(tmp_path)
    settings = resolve_settings(tmp_path, env={"STATPUB_BASE_URL": "http://127.0.0.1:8123/"})
    assert published_office(settings).base_url == "http://127.0.0.1:8123"
    assert published_office(mini.settings).base_url == "https://data.testville.example"
    assert published_office(Settings(tmp_path, tmp_path / "w")).short_name.en == "Testville Data"


def test_an_edit_of_office_yaml_is_seen_without_a_restart(tmp_path):
    mini = _root(tmp_path)
    assert published_office(mini.settings).short_name.en == "Testville Data"
    mini.write_office({**OFFICE, "short_name": {"zh": "测试市数据2", "en": "Testville Data 2"}})
    assert published_office(mini.settings).short_name.en == "Testville Data 2"

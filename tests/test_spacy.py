"""The spaCy component: factory registration, spans, extension values, displaCy."""

import importlib
import subprocess
import sys

import pytest
import spacy
from spacy import displacy

from pipeline.rules.loader import DEFAULT_RULES_DIR


@pytest.fixture(scope="module")
def nlp() -> spacy.Language:
    nlp = spacy.blank("zh")
    nlp.add_pipe("keyproj")
    return nlp


def spans(doc, key: str = "keyproj") -> list[tuple[str, str]]:
    return [(s.label_, s.text) for s in doc.spans[key]]


CASES = [
    ("城南大道工程总投资3.5亿元，目前已竣工。",
     [("PROJECT", "城南大道工程"), ("MONEY", "3.5亿元"), ("STATUS", "已竣工")]),
    ("滨江污水处理厂项目总投资2.8亿元，已于三月开工建设。",
     [("PROJECT", "滨江污水处理厂项目"), ("MONEY", "2.8亿元"), ("STATUS", "开工建设")]),
    ("东湖隧道项目全长3.2公里，目前主体工程已完成60%。",
     [("PROJECT", "东湖隧道项目"), ("LENGTH", "3.2公里"), ("STATUS", "主体工程已完成"),
      ("PERCENT", "60%")]),
    ("金沙河清淤工程完成土方开挖12万立方米。",
     [("PROJECT", "金沙河清淤工程"), ("STATUS", "完成土方开挖12万立方米"), ("VOLUME", "12万立方米")]),
    ("高新区厂房项目计划于明年开工，规划用地面积2.5万平方米。",
     [("PROJECT", "高新区厂房项目"), ("STATUS", "计划于明年开工"), ("AREA", "2.5万平方米")]),
    ("全市固定资产投资同比增长6.5%，增速比上年提高1.2个百分点。",
     [("PERCENT", "6.5%"), ("PERCENTAGE_POINT", "1.2个百分点")]),
    ("今天天气很好。", []),
    ("", []),
    # traditional characters and a pinyin gloss: spans cover the original characters
    ("城南大道工程總投資3.5億元，目前已竣工。",
     [("PROJECT", "城南大道工程"), ("MONEY", "3.5億元"), ("STATUS", "已竣工")]),
    ("重點(diǎn)項目北环路改造工程总投资6000万元，已完工。",
     [("PROJECT", "北环路改造工程"), ("MONEY", "6000万元"), ("STATUS", "已完工")]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(nlp, text, expected):
    doc = nlp(text)
    assert spans(doc) == expected
    for span in doc.spans["keyproj"]:
        assert span.text == doc.text[span.start_char:span.end_char]


def test_money_values(nlp):
    doc = nlp("城南大道工程总投资3.5亿元，目前已竣工。")
    project, money, status = doc.spans["keyproj"]
    assert money._.keyproj_value == 350000000.0
    assert money._.keyproj_value_high is None
    assert money._.keyproj_unit == "yuan"
    assert money._.keyproj_role == "total_investment"
    assert money._.keyproj_project == "城南大道工程"
    assert money._.keyproj_rule == "money.number_unit"
    assert money._.keyproj_status is None
    assert project._.keyproj_status == "completed"
    assert project._.keyproj_project == "城南大道工程"
    assert project._.keyproj_value is None
    assert project._.keyproj_rule
    assert status._.keyproj_status == "completed"
    assert status._.keyproj_project == "城南大道工程"


@pytest.mark.parametrize(("text", "label", "value", "unit", "role"), [
    ("總投資1.2億元", "MONEY", 120000000.0, "yuan", "total_investment"),
    # a plain 计划投资 with nothing saying it is the year's plan is the whole budget (guidelines, issue 13)
    ("西山公园项目计划投资8000万元。", "MONEY", 80000000.0, "yuan", "total_investment"),
    ("南湖公园提升工程已建成投用，完成投资4500万元。", "MONEY", 45000000.0, "yuan",
     "completed_investment"),
    ("东湖隧道项目全长3.2公里。", "LENGTH", 3200.0, "m", None),
    ("新建绿地面积5000平方米。", "AREA", 5000.0, "m2", None),
    ("土方开挖12万立方米。", "VOLUME", 120000.0, "m3", None),
    ("增速比上年提高1.2个百分点。", "PERCENTAGE_POINT", 1.2, "percentage_point", None),
])
def test_quantity_values(nlp, text, label, value, unit, role):
    doc = nlp(text)     # a SpanGroup needs its Doc alive
    [span] = [s for s in doc.spans["keyproj"] if s.label_ == label]
    assert span._.keyproj_value == pytest.approx(value)
    assert (span._.keyproj_unit, span._.keyproj_role) == (unit, role)


def test_traditional_money_span_covers_original(nlp):
    doc = nlp("總投資1.2億元")
    assert spans(doc) == [("MONEY", "1.2億元")]
    assert doc.spans["keyproj"][0].start_char == 3


def test_pipe(nlp):
    texts = [text for text, _ in CASES]
    docs = list(nlp.pipe(texts, batch_size=3))
    assert [spans(doc) for doc in docs] == [expected for _, expected in CASES]


def test_displacy(nlp):
    doc = nlp("东湖隧道项目全长3.2公里，计划总投资12亿元，目前主体工程已完成60%。")
    html = displacy.render(doc, style="span", options={"spans_key": "keyproj"})
    for label in ("PROJECT", "LENGTH", "MONEY", "STATUS", "PERCENT"):
        assert label in html


def test_config_and_lazy_pipeline():
    nlp = spacy.blank("zh")
    component = nlp.add_pipe("keyproj", config={"spans_key": "kp",
                                                "rules_dir": str(DEFAULT_RULES_DIR)})
    assert component._pipeline is None
    doc = nlp("总投资3.5亿元")
    built = component._pipeline
    nlp("总投资1亿元")
    assert built is not None and component._pipeline is built
    assert spans(doc, "kp") == [("MONEY", "3.5亿元")]
    assert "keyproj" not in doc.spans
    assert nlp.config["components"]["keyproj"]["spans_key"] == "kp"


def test_reimport_does_not_reregister():
    import pipeline.outputs.spacy_component as module

    importlib.reload(module)
    nlp = spacy.blank("zh")
    nlp.add_pipe("keyproj")
    doc = nlp("总投资3.5亿元")
    assert spans(doc) == [("MONEY", "3.5亿元")]


@pytest.mark.parametrize("prelude", ["", "import pipeline.outputs.spacy_component\n"])
def test_factory_registration_in_fresh_interpreter(prelude):
    """Through the entry point alone, and after importing the module first."""
    code = prelude + (
        "import sys, spacy\n"
        "nlp = spacy.blank('zh')\n"
        "assert 'pipeline.batch.run' not in sys.modules  # spaCy start-up stays cheap\n"
        "nlp.add_pipe('keyproj')\n"
        "doc = nlp('总投资3.5亿元')\n"
        "print([(s.label_, s.text) for s in doc.spans['keyproj']])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[('MONEY', '3.5亿元')]"

"""Normalisation, retrieval keys and scoring of names, without the database; and the evaluation targets."""

import pytest

from timeline.screening.evaluation import evaluate
from timeline.screening.names import deletion_keys, has_control_characters, name_forms, name_key
from timeline.screening.scoring import aligned_similarity


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("BINANCE HOLDINGS LTD", ("binance", "holdings")),
        ("Binance Holdings Limited", ("binance", "holdings")),
        ("Terraform Labs PTE Limited", ("terraform", "labs")),
        ("Terraform Labs Pte. Ltd.", ("terraform", "labs")),
        ("Société Générale S.A.", ("societe", "generale")),
        ("Zhào Chángpéng", ("zhao", "changpeng")),
        ("Чжао Чанпэн", ("chzhao", "chanpen")),
        ("권도형", ("gwon", "dohyeong")),
    ],
)
def test_name_forms(text, form):
    assert form in name_forms(text)


def test_chinese_names_get_every_reading():
    # 长 reads "chang" and "zhang": both readings are compared.
    assert set(name_forms("赵长鹏")) >= {("zhao", "changpeng"), ("zhao", "zhangpeng")}


def test_name_key_ignores_order_case_punctuation_and_legal_form():
    assert name_key("Zhao, Changpeng") == name_key("changpeng ZHAO") == "changpeng zhao"
    assert name_key("Binance Holdings Ltd.") == name_key("BINANCE HOLDINGS LIMITED")
    assert name_key("!!!") == ""


def test_control_characters():
    assert has_control_characters("Zhao\x00") and has_control_characters("Zhao\u200b")
    assert not has_control_characters("Zhào Chángpéng")


def test_deletion_keys_meet_on_a_swap_a_drop_and_an_extra_letter():
    assert deletion_keys("coinbase") & deletion_keys("coibnase")
    assert "coinase" in deletion_keys("coinbase")
    assert "coinbase" in deletion_keys("coinbbase")
    assert deletion_keys("kwon") == set()


@pytest.mark.parametrize(
    ("query", "candidate", "low", "high"),
    [
        (("zhao", "changpeng"), ("changpeng", "zhao"), 1.0, 1.0),
        (("samuel", "bankman", "fried"), ("samuel", "benjamin", "bankman", "fried"), 0.75, 0.95),
        (("changpeng", "wang"), ("changpeng", "zhao"), 0.0, 0.6),
        (("ahmed", "engelmayer"), ("paul", "a", "engelmayer"), 0.0, 0.7),
        (("c", "zhao"), ("changpeng", "zhao"), 0.85, 1.0),
    ],
)
def test_aligned_similarity(query, candidate, low, high):
    assert low <= aligned_similarity(query, candidate) <= high


@pytest.mark.django_db
def test_evaluation_meets_its_targets(curated_data):
    figures = evaluate(threshold=0.75)
    assert figures.positives >= 300 and figures.negatives >= figures.positives
    assert figures.recall >= 0.95 and figures.precision >= 0.95 and figures.top1_accuracy >= 0.95

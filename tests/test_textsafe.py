"""Text from student code is made writable and harmless before any report writes it."""

import pytest

from autograder import textsafe


def test_a_lone_surrogate_becomes_the_replacement_character():
    assert textsafe.valid_unicode("a\ud800b\udfff") == "a\ufffdb\ufffd"
    assert textsafe.clean("x\ud800").encode("utf-8") == "x\ufffd".encode()


def test_valid_text_is_left_alone():
    text = "中文 naïve 😀\tend\nnext"
    assert textsafe.clean(text) == text


@pytest.mark.parametrize(
    "escape", ["\x1b[1m", "\x1b[31;1m", "\x1b]0;title\x07", "\x1b[2J", "\x9b32m", "\x1bc"]
)
def test_ansi_escape_sequences_are_removed(escape):
    assert textsafe.clean(f"bold{escape}text") == "boldtext"


def test_control_characters_go_and_a_carriage_return_becomes_a_newline():
    assert textsafe.clean("a\x00b\x08c\rd\r\ne") == "abc\nd\ne"


def test_cleaning_cuts_first_so_megabytes_cost_little():
    cleaned = textsafe.clean("\ud800" * 10_000_000, 100)
    assert len(cleaned) == 100 and cleaned.endswith(textsafe.ELLIPSIS) and "\ud800" not in cleaned


def test_clean_tree_cleans_keys_and_values_at_any_depth():
    assert textsafe.clean_tree({"k\ud800": [{"m": "\x1b[1mx"}, 3, None]}) == {
        "k\ufffd": [{"m": "x"}, 3, None]
    }


def test_xml_text_drops_what_xml_1_0_forbids():
    assert textsafe.xml_text("a\x00\x01\x1f\ufffe\uffffb\tc\n") == "ab\tc\n"


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1+1", "\x01=1"]
)
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(cell):
    assert textsafe.csv_cell(cell).startswith("'")


@pytest.mark.parametrize("cell", ["alice", "张三", "07_maxpool", "a=b", "ok"])
def test_ordinary_csv_cells_are_kept(cell):
    assert textsafe.csv_cell(cell) == cell


def test_numbers_stay_numbers_in_csv():
    assert textsafe.csv_cell(-1.5) == -1.5 and textsafe.csv_cell(3) == 3

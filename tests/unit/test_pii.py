"""PII masking: what must go, and what must stay."""
import pytest

from pika_mem.facts.pii import mask_pii


@pytest.mark.parametrize("text,expected", [
    ("My mom's email is leo.mom@example.com and you can call 0912345678.",
     "My mom's email is [email] and you can call [phone]."),
    ("email: A.B+c@mail.co.uk!", "email: [email]!"),
    ("Số điện thoại của bố con là 0987654321.", "Số điện thoại của bố con là [phone]."),
    ("Số của bố là 091 234 5678 nhé", "Số của bố là [phone] nhé"),
    ("zalo 0987.654.321", "zalo [phone]"),
    ("gọi +84 912 345 678 nha", "gọi [phone] nha"),
    ("tel: 024.3825.1234", "tel: [phone]"),
    ("call +1 (555) 123-4567", "call [phone]"),
    ("call 555-123-4567", "call [phone]"),
    ("My number is 07700 900123", "My number is [phone]"),
    ("CMND 123456789", "CMND [id]"),
    ("CCCD của mẹ 001099012345", "CCCD của mẹ [id]"),
    ("thẻ 4111 1111 1111 1111", "thẻ [card]"),
    ("card 4111-1111-1111-1111", "card [card]"),
    ("4111111111111111", "[card]"),
    ("số thẻ 1234567890123", "số thẻ [card]"),
    ("thẻ 5500 0000 0000 0004, sđt +84 912 345 678 hoặc 84912345678",
     "thẻ [card], sđt [phone] hoặc [phone]"),
])
def test_masks(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize("text", [
    "Năm nay con 6 tuổi", "I'm 7 years old, in grade 2, born 2017", "con đếm 1 2 3 4 5 6 7 8 9 10",
    "Mẹ cho con 10.000.000 đồng", "số nhà 12, ngày 12/03/2015", "Score 100 to 98", "Con học lớp 1",
    "My birthday was on March 3.", "", "Hôm nay con ăn 3 cái bánh",
])
def test_leaves_ages_dates_and_short_numbers(text):
    assert mask_pii(text) == text


def test_idempotent():
    once = mask_pii("a@b.com 0912345678 4111 1111 1111 1111 123456789")
    assert mask_pii(once) == once == "[email] [phone] [card] [id]"

"""The roster's validators: the unified social credit code (GB 32100-2015) and phone numbers.

The check digit is recomputed here independently of ``enterprises.validators`` (weights 3^i mod 31,
the 31-character alphabet without I, O, S, V, Z), and checked on codes published by real companies."""
import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, override

from enterprises.validators import (
    credit_code_check_char, normalize_credit_code, normalize_phone, validate_credit_code, validate_phone,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 table 3: 31 characters, no I O S V Z


def independent_check_char(first17):
    """C18 = 31 - (sum of value(Ci) * 3^(i-1) mod 31) mod 31, value 31 written as 0 (GB 32100-2015 §5)."""
    total = sum(ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return ALPHABET[(31 - total % 31) % 31]


# Codes printed on the business licences of well-known companies (public registers); each one's
# 18th character verifies, which a wrong code does with a chance of 1 in 31.
REAL_CODES = [
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110000802100433B",  # 百度在线网络技术（北京）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
]


def test_hand_worked_check_digit():
    # 91320412MA0000001: values 9,1,3,2,0,4,1,2,M=21,A=10,0,0,0,0,0,0,1
    # weights (3^i mod 31) 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
    # 9 + 3 + 27 + 54 + 0 + 104 + 16 + 34 + 420 + 290 + 0 ... + 28 = 985; 985 mod 31 = 24; 31 - 24 = 7 -> "7"
    assert credit_code_check_char("91320412MA0000001") == "7"
    validate_credit_code("91320412MA00000017")


@pytest.mark.parametrize("first17", [
    "91320412MA1M00000",  # Wujin (320412) style
    "91320412MA1P4QN2H",
    "92320412MA2A0B7C6",  # 92: individual business
    "12320400466284701",  # 12: public institution
    "52320412MJ5712345",  # 52: social organisation
])
def test_computed_codes_verify(first17):
    code = first17 + independent_check_char(first17)
    assert credit_code_check_char(first17) == code[17]
    validate_credit_code(code)  # no error


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_published_codes_verify(code):
    assert independent_check_char(code[:17]) == code[17]
    validate_credit_code(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_wrong_check_char_names_the_expected_one(code):
    expected = code[17]
    wrong = "0" if expected != "0" else "1"
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code[:17] + wrong)
    assert info.value.code == "check_digit"
    # what the user reads: the translated message with the right character in it
    assert info.value.messages == [gettext("Wrong check digit: it should be %(expected)s.") % {"expected": expected}]
    assert expected in info.value.messages[0]


def test_wrong_check_char_message_is_translatable():
    with override("en"):
        with pytest.raises(ValidationError) as info:
            validate_credit_code("9144030071526726X0")
    assert info.value.messages == ["Wrong check digit: it should be G."]


@pytest.mark.parametrize("code, length", [
    ("9144030071526726X", 17),
    ("9144030071526726XGG", 19),
    ("", 0),
])
def test_wrong_length(code, length):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == "length"
    assert info.value.messages == [
        gettext("A unified social credit code has 18 characters, this one has %(n)d.") % {"n": length}]
    with override("en"), pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.messages == [f"A unified social credit code has 18 characters, this one has {length}."]


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters(letter):
    first17 = "91320412MA1P4QN2" + letter  # the forbidden letter in the serial part
    with pytest.raises(ValidationError) as info:
        validate_credit_code(first17 + "0")
    assert info.value.code == "charset"


def test_letters_in_the_division_code_are_refused():
    # characters 3-8 are the administrative division code: digits only
    first17 = "9132041AMA1P4QN2H"
    with pytest.raises(ValidationError) as info:
        validate_credit_code(first17 + independent_check_char(first17))
    assert info.value.code == "charset"


def test_normalised_before_checking():
    # lower case, full-width characters and spaces are what people paste from documents
    assert normalize_credit_code(" 9144０３00715 26726xg ") == "9144030071526726XG"
    validate_credit_code("9144030071526726xg")
    validate_credit_code("９１４４０３００７１５２６７２６ＸＧ")


@pytest.mark.parametrize("phone", [
    "13912345678",       # mobile
    "19912345678",       # mobile, 199 range
    "0519-85683120",     # Changzhou landline with area code
    "051985683120",      # the same without the dash
    "010-12345678",      # three-digit area code
    "0519-85683120-801",  # with an extension
    " 139 1234 5678 ",   # spaces removed
])
def test_phone_ok(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", [
    "12345",             # too short
    "12912345678",       # no mobile range starts with 12
    "1391234567",        # 10 digits
    "139123456789",      # 12 digits
    "85683120",          # landline without its area code
    "0519-856",          # landline number too short
    "phone 13912345678",
])
def test_phone_refused(phone):
    with pytest.raises(ValidationError) as info:
        validate_phone(phone)
    assert info.value.code == "phone"
    assert info.value.messages == [gettext(
        "Not a phone number: give a mobile number (11 digits) or a landline with its area code, e.g. 0519-85683120.")]


def test_full_width_phone_is_normalised():
    assert normalize_phone("１３９１２３４５６７８") == "13912345678"
    assert normalize_phone("０５１９－８５６８３１２０") == "0519-85683120"
    validate_phone("１３９１２３４５６７８")
    validate_phone("０５１９－８５６８３１２０")


def test_text_is_kept_as_written_and_only_its_spaces_tidied():
    from enterprises.validators import normalize_key, normalize_text
    assert normalize_text("\u3000常州精工（厂中厂）有限公司\xa0 二分厂 ") == "常州精工（厂中厂）有限公司 二分厂"
    assert normalize_text("长安路１号，Ａ区：二楼、三楼") == "长安路１号，Ａ区：二楼、三楼"
    # keys (headers, township and industry names) fold full-width forms to match
    assert normalize_key("村（社区）") == "村(社区)" and normalize_key("武进区／湖塘镇") == "武进区/湖塘镇"

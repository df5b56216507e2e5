"""Validators for the roster: the unified social credit code (GB 32100-2015) and phone numbers."""
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 32100-2015: 31 characters (no I, O, S, V, Z); weights 3^i mod 31 for positions 1..17.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
# Mobile 1[3-9]xxxxxxxxx; landline with area code: 0519-85683120, 051985683120, ext. allowed.
_PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def normalize_text(value):
    """Text as written, tidied: spaces (also ideographic and non-breaking ones) trimmed at the ends
    and collapsed inside. Nothing else changes — Chinese punctuation such as （）、，： and full-width
    letters stay as the user wrote them, so an exported roster imports back unchanged. Codes and
    lookups fold their characters with ``normalize_key``."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def normalize_key(value):
    """Text as a code or a key to match (a credit code, a phone number, a header, a township or
    industry name): every compatibility form folded (NFKC: full-width letters, digits, brackets and
    dashes to ASCII), spaces collapsed."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value))).strip()


def credit_code_check_char(first17):
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def normalize_credit_code(value):
    return normalize_key(value).replace(" ", "").upper()


def validate_credit_code(value):
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters, this one has %(n)d.") % {"n": len(code)},
                              code="length")
    if not _CREDIT_RE.match(code):
        raise ValidationError(_("A unified social credit code uses digits and capital letters other than I, O, S, V, Z."),
                              code="charset")
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(_("Wrong check digit: it should be %(expected)s.") % {"expected": expected},
                              code="check_digit")


def normalize_phone(value):
    text = normalize_key(value).replace(" ", "").replace("—", "-")
    return text


def validate_phone(value):
    if not _PHONE_RE.match(normalize_phone(value)):
        raise ValidationError(
            _("Not a phone number: give a mobile number (11 digits) or a landline with its area code, e.g. 0519-85683120."),
            code="phone")

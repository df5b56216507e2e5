"""Changan codes: issuing a point's code (an unguessable token), revoking a lost label's code and
issuing its successor."""
import secrets

from ..models import ChanganCode


def new_token():
    """32 URL-safe characters (192 random bits): a code cannot be guessed from another."""
    return secrets.token_urlsafe(24)


def code_issue(*, point, by):
    """A new live code for ``point`` (which has none live): called when a point is recorded. The
    caller has checked ``by`` may manage the point."""
    return ChanganCode.objects.create(point=point, token=new_token(), issued_by=by)

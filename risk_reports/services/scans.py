"""The scan self-check: recording a scan and the cycle it fills.

``scan_record`` is the write every scan goes through (the submit, the demo's generator writes the
same rows in bulk): the scan with its results, and its (point, cycle) in ``ScanCycle`` once — an
insert that ignores the conflict, so a second scan in a cycle costs one cheap statement and the
figures never read the scans to count done cycles.
"""
from ..cycles import cycle_of, tz
from ..models import Scan, ScanCycle, ShiftSchedule


def shift_starts_of(enterprise):
    """The enterprise's declared shift start times ([] when it declared none). One query."""
    return ShiftSchedule.objects.filter(enterprise=enterprise).values_list("starts", flat=True).first() or []


def scan_record(*, point, code, by, by_principal, done_at, results, client_key, payload_hash, photos=0,
                shift_starts=None):
    """Write one scan of ``point`` and its done cycle. No checks: the caller (``scan_submit``, the
    demo) has checked who scans, the code and the payload, inside its transaction."""
    if shift_starts is None:
        shift_starts = shift_starts_of(point.enterprise)
    start, shift = cycle_of(point.cycle, done_at, shift_starts)
    scan = Scan.objects.create(
        point=point, code=code, enterprise_id=point.enterprise_id, township_id=point.enterprise.township_id,
        by=by, by_principal=by_principal, done_at=done_at, done_on=done_at.astimezone(tz()).date(),
        cycle=point.cycle, cycle_start=start, shift=shift, results=results,
        failed=sum(1 for r in results if not r.get("ok")), photos=photos,
        client_key=client_key, payload_hash=payload_hash)
    ScanCycle.objects.bulk_create([ScanCycle(point=point, enterprise_id=point.enterprise_id,
                                             township_id=point.enterprise.township_id, cycle=point.cycle,
                                             cycle_start=start, shift=shift)], ignore_conflicts=True)
    return scan



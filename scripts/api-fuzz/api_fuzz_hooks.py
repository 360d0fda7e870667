"""schemathesis hooks for scripts/test-api-fuzz.sh: keep the fuzzer's own admin able to sign in.

The stateful phase follows links such as `GET /admin/staff` -> `PATCH /admin/staff/{staff_id}`, and would sooner or
later disable or demote the very admin whose token every admin call carries, turning the rest of the run into 401s
and 403s. A change aimed at that admin goes to a spare account made for the purpose instead (not to the fuzzer's member
of staff, whose token the staff operations carry): same operation, same body.
"""

import os

import schemathesis

ADMIN_ID = os.environ["PVB_FUZZ_ADMIN_ID"]
SPARE_ID = os.environ["PVB_FUZZ_SPARE_ID"]
PROTECTED = {ADMIN_ID.lower(), os.environ["PVB_FUZZ_STAFF_ID"].lower()}


@schemathesis.hook("map_case").apply_to(method="PATCH", path_regex=r"/admin/staff/")
def spare_the_fuzzing_admin(context, case):
    if str((case.path_parameters or {}).get("staff_id", "")).lower() in PROTECTED:
        case.path_parameters["staff_id"] = SPARE_ID
    return case

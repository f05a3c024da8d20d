"""Allowed moves of a return request, per action: {action: {from_state: {to_state: rule id}}} (R2–R3),
and of a discount certificate waiting for its K7 approval (R4).

An exchange ships its replacement after finance has booked the return (booked → reissued).
"""

from aftersales.returns.choices import CertificateState as C
from aftersales.returns.choices import ReturnState as S

ACTION_TRANSITIONS: dict[str, dict[str, dict[str, str]]] = {
    "approve": {S.REQUESTED: {S.APPROVED: "K7"}},
    "refuse": {S.REQUESTED: {S.REFUSED: "K7"}},
    # a recount corrects the received quantity before finance books it (R3)
    "receive": {S.APPROVED: {S.RECEIVED: "R2"}, S.RECEIVED: {S.RECEIVED: "R2"}},
    "book": {S.RECEIVED: {S.BOOKED: "R3"}},
    "reissue": {S.BOOKED: {S.REISSUED: "R2"}},
}


def _union() -> dict[str, dict[str, str]]:
    moves: dict[str, dict[str, str]] = {state: {} for state in S.values}
    for table in ACTION_TRANSITIONS.values():
        for source, targets in table.items():
            moves[source].update(targets)
    return moves


RETURN_TRANSITIONS: dict[str, dict[str, str]] = _union()


# R4: a certificate issued above the signer's K7 limit waits; the approval's handler moves it.
CERTIFICATE_TRANSITIONS: dict[str, dict[str, str]] = {
    C.AWAITING_APPROVAL: {C.ISSUED: "K7", C.REFUSED: "K7"},
    C.ISSUED: {},
    C.REFUSED: {},
}

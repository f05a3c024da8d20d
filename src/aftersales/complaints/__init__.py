"""Complaints (客诉) and the generic amount approvals: registration, deadlines, majors, authority (K1–K13, K15)."""

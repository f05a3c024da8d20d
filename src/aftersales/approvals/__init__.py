"""Approvals (审批): one model and one engine for every approval — K7 amounts, S8/S9, B2, C3, policy changes."""

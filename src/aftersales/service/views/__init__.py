"""Pages of the service case (S1–S16, B1–B2): parse → one selector or service → render.

requests: intake, list, request page, dispatch board, engineer screen; quotes: quotations and
fee standards (B1–B2); depot: depot register, hand-ins and printable forms (S13, S14, S11).
"""

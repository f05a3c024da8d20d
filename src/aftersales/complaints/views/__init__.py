"""Pages of complaints (K1–K16): parse → one selector or service → render.

complaints: registration, list, the complaint page with its action forms, the two PDFs;
approvals: the old address of the approvals queue (now the approvals app) and the complaint page's decision form;
reviews: the K8 monthly responsibility review and its two PDFs;
tasks: the K13–K15 follow-up tasks of the user.
"""

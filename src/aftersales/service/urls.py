from django.urls import path

from aftersales.service import views, views_depot, views_quotes

app_name = "service"
urlpatterns = [
    # --- requests, board, engineer screen (pages) ---
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<str:number>/", views.request_detail, name="request_detail"),
    path("requests/<str:number>/approvals/", views.approval_decide, name="approval_decide"),
    path("board/", views.dispatch_board, name="board"),
    path("engineer/", views.engineer_jobs, name="engineer_jobs"),
    path("engineer/<str:number>/", views.engineer_job, name="engineer_job"),
    # --- depot (S13) ---
    path("depot/", views_depot.depot_register, name="depot_register"),
    path("hand-ins/", views_depot.handins, name="handins"),
    path("depot/receive/", views_depot.depot_receive, name="depot_receive"),
    path("depot/<str:tag>/move/", views_depot.depot_move, name="depot_move"),
    path("depot/<str:tag>/report/", views_depot.depot_report, name="depot_report"),
    # --- printable forms (PDF) ---
    path("requests/<str:number>/voucher.pdf", views_depot.request_voucher_pdf, name="request_voucher_pdf"),
    path(
        "requests/<str:number>/repair-order.pdf", views_depot.request_repair_order_pdf, name="request_repair_order_pdf"
    ),
    path("depot/<str:number>/receipt.pdf", views_depot.depot_receipt_pdf, name="depot_receipt_pdf"),
    path("depot/<str:number>/tag.pdf", views_depot.depot_tag_pdf, name="depot_tag_pdf"),
    path("quotes/<str:number>.pdf", views_depot.quote_pdf, name="quote_pdf"),
    # --- paid service: quotations and fee standards (B1–B2) ---
    path("requests/<str:number>/quote/", views_quotes.quote_page, name="quote_page"),
    path("requests/<str:number>/quote/offer/", views_quotes.quote_offer, name="quote_offer"),
    path("requests/<str:number>/quote/accept/", views_quotes.quote_accept, name="quote_accept"),
    path("requests/<str:number>/quote/decline/", views_quotes.quote_decline, name="quote_decline"),
    path("requests/<str:number>/quote/payment/", views_quotes.quote_payment, name="quote_payment"),
    path("fee-standards/", views_quotes.fee_standards, name="fee_standards"),
    path("fee-standards/<int:version>/approve/", views_quotes.fee_standard_approve, name="fee_standard_approve"),
]

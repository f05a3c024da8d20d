from django.urls import path

from aftersales.service.views import attachments, codes, depot, quotes, requests

app_name = "service"
urlpatterns = [
    # --- requests, board, engineer screen (pages) ---
    path("requests/", requests.request_list, name="request_list"),
    path("requests/new/", requests.request_create, name="request_create"),
    path("requests/<str:number>/", requests.request_detail, name="request_detail"),
    path("requests/<str:number>/clocks/", requests.request_clocks, name="request_clocks"),
    path("requests/<str:number>/approvals/", requests.approval_decide, name="approval_decide"),
    path("board/", requests.dispatch_board, name="board"),
    path("engineer/", requests.engineer_jobs, name="engineer_jobs"),
    path("engineer/<str:number>/", requests.engineer_job, name="engineer_job"),
    # --- photos and videos (S9): read through access checks only, never a public URL ---
    path("requests/<str:number>/attachments/", attachments.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", attachments.attachment_content, name="attachment_content"),
    path("attachments/<int:pk>/thumbnail/", attachments.attachment_thumbnail, name="attachment_thumbnail"),
    path("attachments/<int:pk>/delete/", attachments.attachment_delete, name="attachment_delete"),
    # --- depot (S13) ---
    path("depot/", depot.depot_register, name="depot_register"),
    path("hand-ins/", depot.handins, name="handins"),
    path("depot/receive/", depot.depot_receive, name="depot_receive"),
    path("depot/<str:tag>/move/", depot.depot_move, name="depot_move"),
    path("depot/<str:tag>/report/", depot.depot_report, name="depot_report"),
    # --- printable forms (PDF) ---
    path("requests/<str:number>/voucher.pdf", depot.request_voucher_pdf, name="request_voucher_pdf"),
    path("requests/<str:number>/repair-order.pdf", depot.request_repair_order_pdf, name="request_repair_order_pdf"),
    path("depot/<str:number>/receipt.pdf", depot.depot_receipt_pdf, name="depot_receipt_pdf"),
    path("depot/<str:number>/tag.pdf", depot.depot_tag_pdf, name="depot_tag_pdf"),
    path("quotes/<str:number>.pdf", depot.quote_pdf, name="quote_pdf"),
    # --- paid service: quotations and fee standards (B1–B2) ---
    path("requests/<str:number>/quote/", quotes.quote_page, name="quote_page"),
    path("requests/<str:number>/quote/offer/", quotes.quote_offer, name="quote_offer"),
    path("requests/<str:number>/quote/accept/", quotes.quote_accept, name="quote_accept"),
    path("requests/<str:number>/quote/decline/", quotes.quote_decline, name="quote_decline"),
    path("requests/<str:number>/quote/payment/", quotes.quote_payment, name="quote_payment"),
    path("fee-standards/", quotes.fee_standards, name="fee_standards"),
    path("fees/", quotes.fees_outstanding, name="fees_outstanding"),
    path("fees/export.xlsx", quotes.fees_outstanding_export, name="fees_outstanding_export"),
    path("fee-standards/<int:version>/approve/", quotes.fee_standard_approve, name="fee_standard_approve"),
    # --- fault symptom and cause codes (managed list; the pickers' options) ---
    path("fault-codes/", codes.fault_codes, name="fault_codes"),
    path("fault-codes/options/", requests.fault_code_options, name="fault_code_options"),
    path("fault-codes/<int:pk>/", codes.fault_code_edit, name="fault_code_edit"),
    path("fault-codes/<int:pk>/deactivate/", codes.fault_code_deactivate, name="fault_code_deactivate"),
]

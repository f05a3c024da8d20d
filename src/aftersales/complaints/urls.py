from django.urls import path

from aftersales.complaints.views import approvals, complaints

app_name = "complaints"
urlpatterns = [
    path("", complaints.complaint_list, name="complaint_list"),
    path("new/", complaints.complaint_create, name="complaint_create"),
    path("approvals/", approvals.approval_queue, name="approval_queue"),
    path("approvals/<int:approval_id>/decide/", approvals.approval_decide, name="approval_decide"),
    path("<str:number>/", complaints.complaint_detail, name="complaint_detail"),
    path("<str:number>/handling-form.pdf", complaints.handling_form_pdf, name="handling_form_pdf"),
    path("<str:number>/reply-letter.pdf", complaints.reply_letter_pdf, name="reply_letter_pdf"),
]

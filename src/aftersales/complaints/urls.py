from django.urls import path

from aftersales.complaints.views import approvals, complaints, reviews, tasks

app_name = "complaints"
urlpatterns = [
    path("", complaints.complaint_list, name="complaint_list"),
    path("new/", complaints.complaint_create, name="complaint_create"),
    path("new/service-requests/", complaints.service_request_options, name="service_request_options"),
    path("approvals/", approvals.approval_queue, name="approval_queue"),
    path("approvals/<int:approval_id>/decide/", approvals.approval_decide, name="approval_decide"),
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/<str:period>/", reviews.review_detail, name="review_detail"),
    path("reviews/<str:period>/sanction-list.pdf", reviews.sanction_list_pdf, name="review_sanction_list_pdf"),
    path("reviews/<str:period>/notice.pdf", reviews.notice_pdf, name="review_notice_pdf"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/<int:task_id>/done/", tasks.task_done, name="task_done"),
    path("<str:number>/", complaints.complaint_detail, name="complaint_detail"),
    path("<str:number>/handling-form.pdf", complaints.handling_form_pdf, name="handling_form_pdf"),
    path("<str:number>/reply-letter.pdf", complaints.reply_letter_pdf, name="reply_letter_pdf"),
]

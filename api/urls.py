"""The REST API under /api/v1/ (names ``api:<model>_<action>``), its schema and docs, and the
profile's page of personal tokens."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .views import docs, reads, tokens, writes

app_name = "api"

V1 = "api/v1/"
urlpatterns = [
    path(f"{V1}plans/", reads.PlanList.as_view(), name="plan_list"),
    path(f"{V1}plans/<int:pk>/", reads.PlanDetail.as_view(), name="plan_detail"),
    path(f"{V1}tasks/", reads.TaskList.as_view(), name="task_list"),
    path(f"{V1}tasks/<int:pk>/", reads.TaskDetail.as_view(), name="task_detail"),
    path(f"{V1}tasks/<int:pk>/comments/", writes.TaskComment.as_view(), name="task_comment"),
    path(f"{V1}assignments/", reads.AssignmentList.as_view(), name="assignment_list"),
    path(f"{V1}assignments/<int:pk>/", reads.AssignmentDetail.as_view(), name="assignment_detail"),
    path(
        f"{V1}assignments/<int:pk>/progress/",
        writes.AssignmentProgress.as_view(),
        name="assignment_progress",
    ),
    path(
        f"{V1}assignments/<int:pk>/review/",
        writes.AssignmentReview.as_view(),
        name="assignment_review",
    ),
    path(
        f"{V1}assignments/<int:pk>/comments/",
        writes.CommentCreate.as_view(),
        name="assignment_comment",
    ),
    path(f"{V1}notifications/", reads.NotificationList.as_view(), name="notification_list"),
    path(f"{V1}notifications/read/", writes.NotificationsRead.as_view(), name="notification_read"),
    path(f"{V1}requests/", reads.RequestList.as_view(), name="request_list"),
    path(f"{V1}requests/<int:pk>/", reads.RequestDetail.as_view(), name="request_detail"),
    path(f"{V1}reports/", reads.ReportList.as_view(), name="report_list"),
    path(f"{V1}reports/<int:pk>/", reads.ReportDetail.as_view(), name="report_detail"),
    path(f"{V1}schema/", SpectacularAPIView.as_view(), name="schema"),
    path(f"{V1}docs/", login_required(docs.docs), name="docs"),
    path("accounts/profile/tokens/", tokens.token_list, name="token_list"),
    path("accounts/profile/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]

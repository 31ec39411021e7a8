from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("plans/import/", views.import_start, name="import_start"),
    path("plans/import/<int:pk>/", views.import_preview, name="import_preview"),
    path("plans/import/<int:pk>/tables/", views.import_tables, name="import_tables"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_update, name="task_update"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("tasks/<int:pk>/close/", views.task_close, name="task_close"),
    path("review/", views.review_queue, name="review_queue"),
    path("from-above/", views.cascade_inbox, name="cascade_inbox"),
    path("tasks/bulk/", views.bulk_action, name="bulk_action"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("metrics/", views.metric_list, name="metric_list"),
    path("assignments/<int:pk>/remind/", views.assignment_remind, name="assignment_remind"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("reminders/policy/", views.reminder_policy, name="reminder_policy"),
    path("reminders/calendar/", views.calendar, name="calendar"),
    path("reminders/deliveries/", views.delivery_list, name="delivery_list"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
]
